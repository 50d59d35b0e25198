import { Link } from 'react-router';

export default function NotFound() {
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have been deleted, or it was never here.</p>
      <p>
        <Link to="/">Go home</Link>
      </p>
    </div>
  );
}
