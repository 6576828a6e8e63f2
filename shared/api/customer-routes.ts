import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Address, StoredAddress, TextLine } from './address-schema';

export const Profile = /* @__PURE__ */ z
  .object({
    sub: z
      .string()
      .check(z.maxLength(256))
      .register(z.globalRegistry, { description: 'The customer’s id: the `sub` of their token' }),
    email: z.nullable(z.string().check(z.maxLength(254))).register(z.globalRegistry, {
      description:
        'The address set with `PUT /v1/me`, else the verified address of the sign-in account (null when there is neither)',
    }),
    emailVerified: z.boolean().register(z.globalRegistry, {
      description:
        'Whether `email` is the address the customer proved they own (Cognito’s `email_verified`). Order e-mails go ' +
        'only to that verified address: an address set with `PUT /v1/me` that is not it gets none',
    }),
    name: z.nullable(z.string().check(z.maxLength(200))),
    defaultAddress: z.nullable(StoredAddress),
  })
  .register(z.globalRegistry, { id: 'Profile' });

export const UpdateProfileBody = /* @__PURE__ */ z
  .strictObject({
    name: z.optional(z.nullable(TextLine(200))),
    email: z.optional(
      z.nullable(z.email('must be an e-mail address').check(z.maxLength(254))).register(z.globalRegistry, {
        description:
          'A contact address shown in the profile. It is not verified here and never receives order e-mails ' +
          'unless it is the sign-in account’s verified address (then `emailVerified` is true); null shows the ' +
          'verified address again',
      }),
    ),
    defaultAddress: z.optional(z.nullable(Address)),
  })
  .register(z.globalRegistry, {
    id: 'UpdateProfile',
    description: 'Fields to change; an absent field stays as it is, null clears it',
  });

export const getProfileRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getProfile',
  method: 'GET',
  path: '/v1/me',
  role: 'customer',
  summary: 'My profile (created on first use)',
  description:
    'Created on first use with the verified e-mail address of the sign-in account (Cognito user pool), if it has one.',
  tags: ['Customer'],
  responses: { 200: { description: 'The profile', schema: Profile } },
});

export const updateProfileRoute = /* @__PURE__ */ defineRoute({
  operationId: 'updateProfile',
  method: 'PUT',
  path: '/v1/me',
  role: 'customer',
  summary: 'Change my name, e-mail or default address',
  description:
    'Also reads the sign-in account’s verified e-mail address again, so a customer who changed and verified it ' +
    'there brings it here. Order e-mails go only to that verified address.',
  tags: ['Customer'],
  body: UpdateProfileBody,
  responses: { 200: { description: 'The updated profile', schema: Profile } },
});

export const ErasureReceipt = /* @__PURE__ */ z
  .object({
    status: z.literal('ERASURE_REQUESTED'),
    requestedAt: z.iso
      .datetime({ precision: 3 })
      .register(z.globalRegistry, { description: 'When the erasure was requested' }),
  })
  .register(z.globalRegistry, { id: 'ErasureReceipt' });

export const deleteProfileRoute = /* @__PURE__ */ defineRoute({
  operationId: 'deleteProfile',
  method: 'DELETE',
  path: '/v1/me',
  role: 'customer',
  summary: 'Erase my personal data',
  description:
    'Queues the erasure and answers at once; shortly after, the profile and cart are gone and my orders are ' +
    'anonymised: they keep their lines and amounts for the shop’s accounts but lose the shipping address, the ' +
    'e-mail and the link to me, so they no longer appear in my order list. Orders not yet shipped are cancelled ' +
    '(a paid one is refunded). The stored answers of my earlier checkouts go too: a retry with one of their ' +
    '`Idempotency-Key`s is a new checkout. A later `GET /v1/me` starts a new, empty profile. Repeating the request ' +
    'is harmless. A 503 means the request was not recorded: nothing changed, try again.',
  tags: ['Customer'],
  responses: { 202: { description: 'The erasure is queued', schema: ErasureReceipt } },
  errors: [{ status: 503, code: 'SERVICE_UNAVAILABLE' }],
});
