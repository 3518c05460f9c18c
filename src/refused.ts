/**
 * A request a use-case refused for a reason the caller can act on. `code` and `status` map straight onto the JSON
 * error shape and the HTTP status in the web app's one error handler; anything else thrown is a server error.
 */
export class Refused extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'forbidden' | 'conflict' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'Refused';
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
