import type { SectionRow } from './repo.js';

/** Pinterest's `BoardSection`. */
export function presentSection(section: SectionRow) {
  return { id: section.id, name: section.name };
}
