/** Video uploads (the server's /api/media, the same service as Pinterest's media/create). */
import { useQuery } from '@tanstack/react-query';
import { apiGet, apiSend } from './client';
import type { ImageSizes, Pin } from './types';

export interface MediaUpload {
  media_id: string;
  media_type: 'video';
  upload_url: string;
  /** Form fields to send before the file (a signed, expiring policy). */
  upload_parameters: Record<string, string>;
}

export type MediaStatus = 'registered' | 'processing' | 'succeeded' | 'failed';

export interface Media {
  media_id: string;
  media_type: 'video';
  status: MediaStatus;
  /** Why processing failed, in the server's words; null unless failed. */
  failure_reason: string | null;
}

export interface VideoLimits {
  max_bytes: number;
  min_seconds: number;
  max_seconds: number;
}

/** Pinterest's PinMediaWithVideo, as pins carry it. */
export interface PinVideo {
  images: ImageSizes;
  cover_image_url: string | null;
  video_url: string;
  /** Milliseconds. */
  duration: number;
  width: number;
  height: number;
}

export function registerVideoUpload(): Promise<MediaUpload> {
  return apiSend<MediaUpload>('POST', '/api/media', { media_type: 'video' });
}

export function getMedia(mediaId: string): Promise<Media> {
  return apiGet<Media>(`/api/media/${encodeURIComponent(mediaId)}`);
}

/** Video limits as the server enforces them (GET /api/media/limits). */
export function useVideoLimits() {
  return useQuery({
    queryKey: ['video-limits'],
    queryFn: () => apiGet<VideoLimits>('/api/media/limits'),
    staleTime: Infinity,
  });
}

/** The video of a video pin, or null for image and carousel pins. */
export function videoOf(pin: Pin): PinVideo | null {
  const media = pin.media as Pin['media'] & Partial<PinVideo>;
  if (media.media_type !== 'video' || typeof media.video_url !== 'string') return null;
  return {
    images: media.images ?? {},
    cover_image_url: media.cover_image_url ?? null,
    video_url: media.video_url,
    duration: typeof media.duration === 'number' ? media.duration : 0,
    width: media.width ?? 0,
    height: media.height ?? 0,
  };
}

/** 83 000 ms → "1:23". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
