import { type TSchema, Type } from '@sinclair/typebox';
import { SingleLine } from '../../http/common.schemas.js';
import { type Locale, SUPPORTED_LOCALES } from '../../i18n/locales.js';
import { EmailField, NameField, PasswordField } from '../users/user.schemas.js';

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';

export const OwnerBody = Type.Object(
  {
    email: EmailField,
    firstName: Type.Optional(NameField),
    lastName: Type.Optional(NameField),
    password: Type.Optional(PasswordField),
  },
  { additionalProperties: false },
);

/** Assigning an owner sets no password: an account's password is set by its owner, or by a platform operator at creation. */
export const AssignOwnerBody = Type.Object(
  { email: EmailField, firstName: Type.Optional(NameField), lastName: Type.Optional(NameField) },
  { additionalProperties: false },
);

/** A supported locale; anything else is refused with the list of supported ones. */
export const LocaleField = Type.Unsafe<Locale>(
  Type.String({ enum: [...SUPPORTED_LOCALES], description: 'A BCP 47 tag among the supported locales.' }),
);

const OrganizationName = SingleLine({ minLength: 1, maxLength: 200 });
const TimeZoneField = SingleLine({
  minLength: 1,
  maxLength: 64,
  description: 'An IANA time zone name (`Europe/Paris`); dates in invitations are written in it.',
});

export const CreateOrganizationBody = Type.Object(
  {
    name: OrganizationName,
    slug: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'Lower-case letters, digits and dashes.' })),
    owner: Type.Optional(OwnerBody),
    defaultLocale: Type.Optional(LocaleField),
    timeZone: Type.Optional(TimeZoneField),
  },
  { additionalProperties: false },
);

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const BrandingBody = Type.Object(
  {
    displayName: Type.Optional(
      nullable(
        SingleLine({
          minLength: 1,
          maxLength: 100,
          description: "The name invitations show, and the sender's display name; null: the organization's name.",
        }),
      ),
    ),
    logoUrl: Type.Optional(
      nullable(SingleLine({ minLength: 1, maxLength: 2048, description: 'An https URL of the logo image.' })),
    ),
    accentColor: Type.Optional(
      nullable(
        Type.String({
          pattern: '^#[0-9a-fA-F]{6}$',
          description:
            'A `#rrggbb` colour whose contrast against white is at least 4.5:1 (it is the background of white text).',
        }),
      ),
    ),
    supportEmail: Type.Optional(nullable(EmailField)),
  },
  { additionalProperties: false, description: 'Each field given replaces the stored one; null clears it.' },
);

export const UpdateOrganizationBody = Type.Object(
  {
    name: Type.Optional(OrganizationName),
    branding: Type.Optional(BrandingBody),
    defaultLocale: Type.Optional(nullable(LocaleField)),
    timeZone: Type.Optional(nullable(TimeZoneField)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const OrganizationResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    numericId: Type.Integer(),
    name: Type.String(),
    slug: Type.String(),
    owner: Type.Union([Type.Ref('User'), Type.Null()], { description: 'The primary (MAIN) user.' }),
    branding: Type.Object({
      displayName: Type.Union([Type.String(), Type.Null()]),
      logoUrl: Type.Union([Type.String(), Type.Null()]),
      accentColor: Type.Union([Type.String(), Type.Null()]),
      supportEmail: Type.Union([Type.String(), Type.Null()]),
    }),
    defaultLocale: Type.Union([LocaleField, Type.Null()], {
      description: "Invitations' locale when the request names none; null: the service's DEFAULT_LOCALE.",
    }),
    timeZone: Type.String({ description: 'The IANA time zone dates are written in (default UTC).' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organization' },
);

export const CreatedOrganizationResponse = Type.Object({
  organization: Type.Ref('Organization'),
  owner: Type.Union([Type.Ref('User'), Type.Null()]),
  roles: Type.Array(Type.Ref('Role')),
});
