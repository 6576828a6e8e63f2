import * as z from 'zod';
import { defineRoute } from '../http/route-spec';
import { Address, StoredAddress } from './address-schema';

export const Profile = z
  .object({
    sub: z.string().meta({ description: 'The customer’s id: the `sub` of their token' }),
    email: z.string().nullable(),
    name: z.string().nullable(),
    defaultAddress: StoredAddress.nullable(),
  })
  .meta({ id: 'Profile' });

export const UpdateProfileBody = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200).nullable().optional(),
    email: z.email('must be an e-mail address').max(254).nullable().optional(),
    defaultAddress: Address.nullable().optional(),
  })
  .meta({ id: 'UpdateProfile', description: 'Fields to change; an absent field stays as it is, null clears it' });

export const getProfileRoute = defineRoute({
  operationId: 'getProfile',
  method: 'GET',
  path: '/v1/me',
  role: 'customer',
  summary: 'My profile (created on first use)',
  tags: ['Customer'],
  responses: { 200: { description: 'The profile', schema: Profile } },
});

export const updateProfileRoute = defineRoute({
  operationId: 'updateProfile',
  method: 'PUT',
  path: '/v1/me',
  role: 'customer',
  summary: 'Change my name, e-mail or default address',
  tags: ['Customer'],
  body: UpdateProfileBody,
  responses: { 200: { description: 'The updated profile', schema: Profile } },
});
