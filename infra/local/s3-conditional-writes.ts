import type S3rver from 's3rver';

/**
 * S3's conditional writes on s3rver, which honours If-Match / If-None-Match on reads only: a
 * PutObject with `If-None-Match: *` fails with 412 PreconditionFailed when the key exists, and one
 * with `If-Match: <etag>` with 412 when the object's ETag differs, or 404 NoSuchKey when it is gone.
 * Conditional writes to one key are serialised, so the check and the write are one step, as on S3.
 * The registry's champion pointer relies on this (see writeChampionPointer).
 */

/** The little of Koa's context the check needs; s3rver's published types omit that it is a Koa app. */
interface RequestContext {
  readonly method: string;
  readonly path: string;
  get(header: string): string;
  status: number;
  type: string;
  body: unknown;
}
type Middleware = (ctx: RequestContext, next: () => Promise<void>) => Promise<void>;
interface KoaApp {
  readonly middleware: Middleware[];
  readonly store: { getMetadata(bucket: string, key: string): Promise<{ etag?: string }> };
}

const unquoted = (etag: string): string => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

function s3Error(ctx: RequestContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Adds the check in front of s3rver's own middleware; call before `run()`. */
export function enforceConditionalWrites(s3rver: S3rver): void {
  const app = s3rver as unknown as KoaApp;
  const queues = new Map<string, Promise<void>>();

  const check: Middleware = async (ctx, next) => {
    const ifMatch = ctx.get('if-match');
    const ifNoneMatch = ctx.get('if-none-match');
    // A PutObject only: copies carry their own x-amz-copy-source-if-* conditions.
    if (ctx.method !== 'PUT' || (!ifMatch && !ifNoneMatch) || ctx.get('x-amz-copy-source')) return next();
    const [bucket, ...rest] = ctx.path.replace(/^\//, '').split('/').map(decodeURIComponent);
    const key = rest.join('/');
    if (!bucket || !key) return next();

    const id = `${bucket}/${key}`;
    const before = queues.get(id) ?? Promise.resolve();
    let release = () => {};
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queued = before.then(() => turn);
    queues.set(id, queued);
    await before;
    try {
      const current = await app.store.getMetadata(bucket, key).then(
        (metadata) => unquoted(metadata.etag ?? ''),
        () => undefined,
      );
      if (ifNoneMatch && ifNoneMatch.trim() === '*' && current !== undefined) {
        return s3Error(
          ctx,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
      if (ifMatch && current === undefined) {
        return s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.');
      }
      if (ifMatch && current !== unquoted(ifMatch)) {
        return s3Error(
          ctx,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
      await next();
    } finally {
      release();
      if (queues.get(id) === queued) queues.delete(id);
    }
  };
  app.middleware.unshift(check);
}
