import { Type } from '@sinclair/typebox';
import { SingleLine } from '../../http/common.schemas.js';

export const EmailField = Type.String({ minLength: 3, maxLength: 254, description: 'An email address.' });
export const NameField = SingleLine({ minLength: 1, maxLength: 250 });
export const PasswordField = Type.String({
  minLength: 8,
  maxLength: 128,
  description: 'At least 8 characters with an upper-case letter, a lower-case letter, a digit and a special character.',
});

export const UserResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    numericId: Type.Integer(),
    email: Type.String(),
    firstName: Type.Union([Type.String(), Type.Null()]),
    lastName: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'User' },
);
