import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { expectSpecResponse } from '../helpers/spec.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Whether ffmpeg and ffprobe run here. Without them the video suites are skipped, loudly;
 * under CI=true their absence is a failure.
 */
export function ffmpegAvailable(): boolean {
  const ok = ['ffmpeg', 'ffprobe'].every(
    (program) => spawnSync(program, ['-version'], { stdio: 'ignore' }).status === 0,
  );
  if (!ok) {
    if (process.env.CI === 'true') throw new Error('CI=true and ffmpeg/ffprobe are not installed');
    console.warn('\n*** SKIPPING video tests: ffmpeg/ffprobe are not installed (apt-get install ffmpeg)\n');
  }
  return ok;
}

/**
 * A test video made by ffmpeg: a test pattern with a tone. mp4 is H.264/AAC (copied as it is
 * by the server), webm is VP8/Vorbis (re-encoded by the server).
 */
export function makeVideo(
  dir: string,
  name: string,
  options: { seconds?: number; width?: number; height?: number; format?: 'mp4' | 'webm' } = {},
): string {
  const { seconds = 2, width = 320, height = 240, format = 'mp4' } = options;
  const file = path.join(dir, `${name}.${format}`);
  const codecs =
    format === 'mp4'
      ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '300k', '-c:a', 'libvorbis'];
  const result = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-nostdin',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc=duration=${seconds}:size=${width}x${height}:rate=25`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${seconds}`,
      ...codecs,
      '-shortest',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make a test video: ${result.stderr}`);
  return file;
}

/** A free loopback port (for a server whose PUBLIC_URL must name its port before it listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Registered {
  media_id: string;
  media_type: string;
  upload_url: string;
  upload_parameters: Record<string, string>;
}

/** A client of a listening server, over real HTTP, as an app would use it. */
export class VideoClient {
  constructor(
    readonly baseUrl: string,
    readonly authorization: string,
  ) {}

  async api(
    method: string,
    url: string,
    body?: object,
  ): Promise<{ status: number; body: Json; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    expect(res.status, `${method} ${url}: ${text}`).toBeLessThan(500);
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  async register(): Promise<Registered> {
    const res = await this.api('POST', '/v5/media', { media_type: 'video' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expectSpecResponse('media/create', 201, res.body);
    return res.body as Registered;
  }

  /**
   * POSTs the file as Pinterest's storage expects it: every parameter, then `file`. With
   * `withoutFilename` the form is written by hand, the file part carrying no filename.
   */
  async upload(
    registered: Registered,
    data: Buffer,
    options: { withoutFilename?: boolean; parameters?: Record<string, string> } = {},
  ): Promise<Response> {
    const parameters = options.parameters ?? registered.upload_parameters;
    if (options.withoutFilename) {
      const boundary = `----corkboard${Date.now().toString(16)}`;
      const parts: Buffer[] = Object.entries(parameters).map(([name, value]) =>
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      );
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`));
      parts.push(data, Buffer.from(`\r\n--${boundary}--\r\n`));
      return fetch(registered.upload_url, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: Buffer.concat(parts),
      });
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(parameters)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(data)], { type: 'video/mp4' }), 'clip.mp4');
    return fetch(registered.upload_url, { method: 'POST', body: form });
  }

  async media(mediaId: string) {
    const res = await this.api('GET', `/v5/media/${mediaId}`);
    expect(res.status).toBe(200);
    expectSpecResponse('media/get', 200, res.body);
    return res;
  }

  /** Polls media/get until processing ends (bounded: 300 polls). */
  async settled(mediaId: string): Promise<{ status: string; reason: string | null }> {
    for (let i = 0; i < 300; i++) {
      const res = await this.media(mediaId);
      if (res.body.status === 'succeeded' || res.body.status === 'failed') {
        const reason = res.headers.get('x-corkboard-failure-reason');
        return { status: res.body.status, reason: reason ? decodeURIComponent(reason) : null };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`media ${mediaId} is still processing after 300 polls`);
  }
}

export function readFile(file: string): Buffer {
  return fs.readFileSync(file);
}
