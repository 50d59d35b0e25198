/** Shapes of the server's JSON, with Pinterest's field names. */

export interface SignedInUser {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  account_type: 'PINNER' | 'BUSINESS';
  is_admin: boolean;
}

export interface ImageDetails {
  width: number;
  height: number;
  url: string;
}

export type ImageSizes = Record<string, ImageDetails>;

export interface PinMedia {
  media_type: 'image' | 'multiple_images' | string;
  images?: ImageSizes;
  items?: Array<{
    images: ImageSizes;
    title: string | null;
    description: string | null;
    link: string | null;
  }>;
}

export interface Pin {
  id: string;
  created_at: string;
  link: string | null;
  title: string | null;
  description: string | null;
  dominant_color: string | null;
  alt_text: string | null;
  board_id: string;
  board_section_id: string | null;
  board_owner: { username: string };
  is_owner: boolean;
  parent_pin_id: string | null;
  media: PinMedia;
}

export type Privacy = 'PUBLIC' | 'PROTECTED' | 'SECRET';

export interface Board {
  id: string;
  created_at: string;
  name: string;
  description: string | null;
  owner: { username: string };
  privacy: Privacy;
  media: { image_cover_url: string | null; pin_thumbnail_urls: string[] };
  pin_count: number;
}

export interface BoardSection {
  id: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  bookmark: string | null;
}

export interface Limits {
  pin: { title: number; description: number; link: number; alt_text: number };
  board: { name: number; description: number };
  password: { min: number; max: number };
  username: { pattern: string };
  image: { max_bytes: number; content_types: string[] };
}
