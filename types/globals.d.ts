// Declarations tsc needs for the extension (tsconfig.json) and the DOM typings lack. Not
// shipped: the build copies only extension/.

/** The File System Access API's folder picker (Chromium; absent in Firefox). */
declare function showDirectoryPicker(options?: {
  id?: string;
  mode?: 'read' | 'readwrite';
}): Promise<FileSystemDirectoryHandle>;
