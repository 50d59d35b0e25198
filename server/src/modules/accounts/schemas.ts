import { Type } from '@sinclair/typebox';
import { Nullable } from '../../http/schema-helpers.js';

export const AccountSchema = Type.Object(
  {
    account_type: Type.Union([Type.Literal('PINNER'), Type.Literal('BUSINESS')], {
      description: 'Type of account',
    }),
    id: Type.String({ pattern: '^\\d+$', description: 'User account ID.' }),
    profile_image: Type.String({ description: 'URL of the profile image.' }),
    website_url: Type.String({ description: "The account's website." }),
    username: Type.String({ description: 'Username.' }),
    about: Type.String({ description: 'About the account.' }),
    business_name: Nullable(Type.String(), { description: 'Business name, for business accounts.' }),
    board_count: Nullable(Type.Integer(), { description: 'Boards the caller can see.' }),
    pin_count: Nullable(Type.Integer(), { description: 'Pins the caller can see.' }),
    follower_count: Nullable(Type.Integer(), { description: 'Followers.' }),
    following_count: Nullable(Type.Integer(), { description: 'Accounts followed.' }),
    monthly_views: Nullable(Type.Integer(), { description: 'Monthly views (business accounts).' }),
  },
  { $id: 'Account', description: 'Pinterest user account.' },
);
