import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadUrlSigner } from '../../ports/upload-url-signer';

/** Presigned PUT URLs: the signature covers the key and content type, so a caller cannot retarget it. */
export class S3UploadUrlSigner implements UploadUrlSigner {
  public constructor(private readonly s3: S3Client) {}

  public presignPut(
    bucket: string,
    key: string,
    contentType: string,
    expiresInSeconds: number,
  ): Promise<string> {
    return getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
      {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(['content-type']),
      },
    );
  }
}
