/** A refused community action; `code` and `status` map straight onto the JSON error shape and HTTP status. */
export class CommunityError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'forbidden' | 'conflict' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'CommunityError';
  }

  get status(): 400 | 403 | 404 | 409 | 502 {
    switch (this.code) {
      case 'not_found':
        return 404;
      case 'invalid':
        return 400;
      case 'forbidden':
        return 403;
      case 'conflict':
        return 409;
      case 'unavailable':
        return 502;
    }
  }
}
