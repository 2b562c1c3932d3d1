// The type of image bytes from their signature: thumbnails on the device are
// lossy WebP from this version on, JPEG before it and from the server.
export function imageType(bytes: ArrayLike<number>): string {
  const at = (i: number, s: string) => [...s].every((c, k) => bytes[i + k] === c.charCodeAt(0));
  if (bytes.length >= 12 && at(0, 'RIFF') && at(8, 'WEBP')) return 'image/webp';
  if (bytes.length >= 4 && bytes[0] === 0x89 && at(1, 'PNG')) return 'image/png';
  return 'image/jpeg';
}
