import { invalidProp } from './errors';

export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates an RFC 1123 label (namespaces, Service names): lowercase, digits, `-`, at most `max` characters. */
export function validateDnsLabel(prop: string, value: string, max = 63): string {
  if (typeof value !== 'string' || value.length > max || !DNS_LABEL_PATTERN.test(value)) {
    return invalidProp(prop, `an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most ${max} characters)`, value);
  }
  return value;
}
