import type { Child } from 'hono/jsx';
import type { FieldErrors } from '../../accounts/accounts.service.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../accounts/validation.js';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export interface FieldProps {
  readonly name: keyof FieldErrors;
  readonly label: string;
  readonly type?: string;
  readonly value?: string;
  readonly autocomplete?: string;
  readonly hint?: string;
  readonly errors?: FieldErrors;
  readonly required?: boolean;
  readonly minlength?: number;
  readonly maxlength?: number;
  /** Distinguishes fields of the same name when a page has several forms. */
  readonly idPrefix?: string;
}

/** A labelled input with its hint and error, wired up for screen readers. */
export function Field({
  name,
  label,
  type = 'text',
  value,
  autocomplete,
  hint,
  errors,
  required = true,
  minlength,
  maxlength,
  idPrefix = '',
}: FieldProps) {
  const id = `${idPrefix}${name}`;
  const error = errors?.[name];
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={value ?? ''}
        autocomplete={autocomplete}
        required={required}
        minlength={minlength}
        maxlength={maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
      />
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ errors }: { errors?: FieldErrors }) {
  return errors?.form ? (
    <p class="form-error" role="alert">
      {errors.form}
    </p>
  ) : null;
}

export function Notice({ children }: { children?: Child }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

export const NEW_PASSWORD_HINT = `At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a good one.`;

/** The `password` field of every form that sets a new password, with the length rules the server enforces. */
export function NewPasswordField({
  label,
  errors,
  hint = NEW_PASSWORD_HINT,
  idPrefix,
}: {
  label: string;
  errors?: FieldErrors;
  hint?: string;
  idPrefix?: string;
}) {
  return (
    <Field
      idPrefix={idPrefix}
      name="password"
      label={label}
      type="password"
      autocomplete="new-password"
      minlength={PASSWORD_MIN_LENGTH}
      maxlength={PASSWORD_MAX_LENGTH}
      errors={errors}
      hint={hint}
    />
  );
}
