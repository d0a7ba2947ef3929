export { writeOciArchive, ociArchitecture, MEDIA_TYPES } from './oci-archive.js';
export type { ImageFile, ImageConfig, OciArchiveInput, OciArchiveResult } from './oci-archive.js';
export { ensurePauseImage, PAUSE_IMAGE } from './pause.js';
export type { PauseImage } from './pause.js';
export { importImageArchive } from './import.js';
export type { ImportImageOptions } from './import.js';
export { normaliseImageRef } from './ref.js';
