/**
 * ffprobe and ffmpeg (Debian's), run as child processes: no shell, arguments as an array, a
 * time limit, output size capped, and killed when the caller gives up (an AbortSignal).
 * Nothing here knows about HTTP, storage or the database: files in, files or numbers out.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';

export interface VideoToolsOptions {
  ffmpegPath: string;
  ffprobePath: string;
  /** Time limit of one run, in milliseconds. */
  timeoutMs: number;
}

/** What ffprobe says about a file that has a video stream. */
export interface VideoProbe {
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm". */
  formatName: string;
  durationMs: number;
  /** Display size (rotation applied). */
  width: number;
  height: number;
  videoCodec: string;
  /** null when the file has no audio stream. */
  audioCodec: string | null;
}

/** The file is not an acceptable video; `message` says why, in words. */
export class VideoRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VideoRejectedError';
  }
}

/** ffmpeg or ffprobe could not run (missing, killed, timed out): not the file's fault. */
export class VideoToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VideoToolError';
  }
}

const MAX_OUTPUT_BYTES = 1024 * 1024;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one program to its end; rejects with VideoToolError when it cannot start or runs too long. */
function run(program: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new VideoToolError(`${program} was not started: the job was stopped`));
      return;
    }
    const child = spawn(program, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let stopReason: string | null = null;
    const stop = (reason: string) => {
      if (stopReason) return;
      stopReason = reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`ran longer than ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const onAbort = () => stop('was stopped');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < MAX_OUTPUT_BYTES) out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < MAX_OUTPUT_BYTES) err.push(chunk);
      errBytes += chunk.length;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new VideoToolError(`${program} could not be run: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (stopReason) {
        reject(new VideoToolError(`${program} ${stopReason}`));
        return;
      }
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The container a file's first bytes announce, or null when they announce no video container. */
export function sniffVideoContainer(head: Buffer): string | null {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString('latin1');
  if (head.length >= 12 && ascii(4, 8) === 'ftyp') return 'mp4';
  if (head.length >= 12 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(4, 8))) return 'mov';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return 'avi';
  if (head.length >= 4 && ascii(0, 4) === 'OggS') return 'ogg';
  if (head.length >= 3 && ascii(0, 3) === 'FLV') return 'flv';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x000001ba) return 'mpeg';
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return 'mpegts';
  if (head.length >= 16 && head.subarray(0, 16).equals(ASF_GUID)) return 'asf';
  return null;
}
const ASF_GUID = Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex');

async function readHead(file: string): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface ProbeJson {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    duration?: string;
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
    disposition?: { attached_pic?: number };
  }>;
}

export class VideoTools {
  constructor(readonly options: VideoToolsOptions) {}

  /**
   * Checks that `file` is a readable video and says what it holds. Throws VideoRejectedError
   * naming the problem: not a video, truncated or damaged, no picture.
   */
  async probe(file: string, signal?: AbortSignal): Promise<VideoProbe> {
    const stat = await fs.stat(file);
    if (stat.size === 0) throw new VideoRejectedError('the file is empty');
    const container = sniffVideoContainer(await readHead(file));
    if (!container) throw new VideoRejectedError('the file is not a video');
    const result = await run(
      this.options.ffprobePath,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file],
      this.options.timeoutMs,
      signal,
    );
    let parsed: ProbeJson | null = null;
    try {
      parsed = result.code === 0 ? (JSON.parse(result.stdout) as ProbeJson) : null;
    } catch {
      parsed = null;
    }
    if (!parsed?.format) {
      throw new VideoRejectedError(`the ${container} file is truncated or damaged and cannot be read`);
    }
    const streams = parsed.streams ?? [];
    const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
    if (!video || !video.width || !video.height)
      throw new VideoRejectedError('the file has no video picture');
    const audio = streams.find((s) => s.codec_type === 'audio');
    const seconds = Number(parsed.format.duration ?? video.duration ?? NaN);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new VideoRejectedError(`the ${container} file is truncated or damaged: it has no duration`);
    }
    const rotation = Math.abs(
      Number(
        video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0,
      ),
    );
    const sideways = rotation % 180 === 90;
    return {
      formatName: parsed.format.format_name ?? container,
      durationMs: Math.round(seconds * 1000),
      width: sideways ? video.height : video.width,
      height: sideways ? video.width : video.height,
      videoCodec: video.codec_name ?? 'unknown',
      audioCodec: audio?.codec_name ?? null,
    };
  }

  /**
   * Writes a browser-playable MP4 (H.264, AAC, moov first so playback starts before the whole
   * file arrives). H.264 in MP4/MOV is copied as it is; anything else is re-encoded, at most
   * 720 pixels high as Pinterest's video_url. Decoding every frame also finds damage a probe
   * of the header cannot see: a file cut short fails here.
   */
  async toMp4(input: string, output: string, probe: VideoProbe, signal?: AbortSignal): Promise<void> {
    const copyVideo = probe.videoCodec === 'h264' && /mp4|mov/.test(probe.formatName);
    const copyAudio = probe.audioCodec === null || probe.audioCodec === 'aac';
    const args = ['-v', 'error', '-xerror', '-nostdin', '-y', '-i', input, '-map', '0:v:0', '-map', '0:a:0?'];
    if (copyVideo) args.push('-c:v', 'copy');
    else
      args.push(
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '23',
        '-pix_fmt',
        'yuv420p',
        '-vf',
        "scale=-2:'min(720,ih)'",
      );
    args.push(...(copyAudio ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '128k']));
    args.push('-movflags', '+faststart', '-f', 'mp4', output);
    const result = await run(this.options.ffmpegPath, args, this.options.timeoutMs, signal);
    if (result.code !== 0) {
      throw new VideoRejectedError(
        `the video is truncated or damaged and cannot be converted (${firstLine(result.stderr)})`,
      );
    }
    if (copyVideo) await this.checkDecodes(input, signal);
  }

  /** One frame at `seconds` (the last one when past the end), as JPEG bytes. */
  async frameAt(input: string, seconds: number, probe: VideoProbe, signal?: AbortSignal): Promise<Buffer> {
    const lastFrame = Math.max(0, probe.durationMs / 1000 - 0.1);
    const at = Math.min(Math.max(0, seconds), lastFrame);
    for (const position of at > 0 ? [at, 0] : [0]) {
      const result = await runForBytes(
        this.options.ffmpegPath,
        [
          '-v',
          'error',
          '-nostdin',
          '-ss',
          position.toFixed(3),
          '-i',
          input,
          '-frames:v',
          '1',
          '-q:v',
          '2',
          '-f',
          'image2pipe',
          '-c:v',
          'mjpeg',
          'pipe:1',
        ],
        this.options.timeoutMs,
        signal,
      );
      if (result.length > 0) return result;
    }
    throw new VideoRejectedError('no frame of the video could be decoded for the cover image');
  }

  /** Decodes every frame without writing anything: a copied stream cut short or damaged fails. */
  private async checkDecodes(input: string, signal?: AbortSignal): Promise<void> {
    const result = await run(
      this.options.ffmpegPath,
      ['-v', 'error', '-xerror', '-nostdin', '-i', input, '-map', '0:v:0', '-f', 'null', '-'],
      this.options.timeoutMs,
      signal,
    );
    if (result.code !== 0) {
      throw new VideoRejectedError(`the video is truncated or damaged (${firstLine(result.stderr)})`);
    }
  }
}

/** Runs ffmpeg writing to stdout and returns its bytes (empty when it produced none). */
function runForBytes(
  program: string,
  args: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { shell: false, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stopped: string | null = null;
    const stop = (reason: string) => {
      if (stopped) return;
      stopped = reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`ran longer than ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const onAbort = () => stop('was stopped');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024 * 1024) stop('wrote a frame larger than 64 MB');
      else chunks.push(chunk);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new VideoToolError(`${program} could not be run: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (stopped) reject(new VideoToolError(`${program} ${stopped}`));
      else resolve(code === 0 ? Buffer.concat(chunks) : Buffer.alloc(0));
    });
  });
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return (line || 'no details').slice(0, 200);
}
