import { Refused } from '../refused.js';

/** A refused community action (vote, comment, submission, moderation). */
export class CommunityError extends Refused {
  constructor(code: Refused['code'], message: string) {
    super(code, message);
    this.name = 'CommunityError';
  }
}
