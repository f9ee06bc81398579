export interface UploadUrlSigner {
  /** A URL that allows exactly one PUT of `key`, with this content type, until it expires. */
  presignPut(bucket: string, key: string, contentType: string, expiresInSeconds: number): Promise<string>;
}
