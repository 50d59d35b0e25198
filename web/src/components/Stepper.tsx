/** A wizard's progress: "Step 2 of 5", a bar, and each step's name (done, current, to come). */
export function Stepper({
  steps,
  current,
}: {
  steps: ReadonlyArray<{ id: string; label: string }>;
  current: number;
}) {
  const step = steps[current];
  return (
    <nav className="stepper" aria-label="Progress">
      <p className="stepper-count">
        Step {current + 1} of {steps.length}
        {step ? <span className="stepper-current">: {step.label}</span> : null}
      </p>
      <ol className="stepper-steps">
        {steps.map((item, index) => {
          const state = index < current ? 'done' : index === current ? 'current' : 'todo';
          return (
            <li
              key={item.id}
              className={`stepper-step stepper-${state}`}
              aria-current={index === current ? 'step' : undefined}
            >
              <span className="stepper-dot" aria-hidden="true">
                {index < current ? '✓' : index + 1}
              </span>
              <span className="stepper-label">
                {item.label}
                <span className="visually-hidden">
                  {state === 'done' ? ' (done)' : state === 'current' ? ' (current step)' : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
