// Device thumbnails are shown as what their bytes are: WebP from this
// version on, JPEG before it and from the server.
import { describe, expect, it } from 'vitest';
import { imageType } from '../lib/image-type';

const bytes = (s: string, tail: number[] = []) => [...s].map((c) => c.charCodeAt(0)).concat(tail);

describe('imageType', () => {
  it('tells WebP, PNG and JPEG apart by their signatures', () => {
    expect(imageType(bytes('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    expect(imageType([0x89, ...bytes('PNG\r\n\x1a\n')])).toBe('image/png');
    expect(imageType([0xff, 0xd8, 0xff, 0xe0])).toBe('image/jpeg');
    // A RIFF that is not WebP (a WAV file) and short input are not WebP.
    expect(imageType(bytes('RIFF\x10\x00\x00\x00WAVE'))).toBe('image/jpeg');
    expect(imageType(bytes('RIFF'))).toBe('image/jpeg');
  });
});
