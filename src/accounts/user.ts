/** A registered account as the rest of the application sees it. Never carries the password hash. */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly isAdmin: boolean;
  readonly banned: boolean;
  readonly createdAt: string;
}
