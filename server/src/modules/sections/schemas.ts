import { Type } from '@sinclair/typebox';
import { IdString } from '../../http/schema-helpers.js';

export const BoardSectionSchema = Type.Object(
  {
    id: IdString('Unique identifier of the board section.'),
    name: Type.String({ description: 'Name of the section.' }),
  },
  { $id: 'BoardSection', description: 'Sections help organize pins within a board.' },
);

export const BoardSectionWriteSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 180,
      description: 'Name of the section (1 to 180 characters, unique on the board ignoring case).',
    }),
  },
  { description: 'A board section to create, or its new name.' },
);

export const SectionParams = Type.Object({
  board_id: IdString('Unique identifier of a board.'),
  section_id: IdString('Unique identifier of a board section.'),
});
