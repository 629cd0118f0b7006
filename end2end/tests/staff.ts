// Helpers for staff tests: accounts made with the real CLI, TOTP codes computed here.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export const STAFF_PASSWORD = 'blue-kettle-orbit-42';
const root = path.resolve(__dirname, '..', '..');

/** Creates a staff account in the e2e server's database; returns its TOTP secret. */
export function addStaff(email: string, role: 'admin' | 'helpdesk', name: string): Buffer {
  const output = execFileSync(
    `${root}/target/release/breachcheck`,
    ['user', 'add', '--email', email, '--name', name, '--role', role, '--password-stdin'],
    {
      input: `${STAFF_PASSWORD}\n`,
      cwd: root,
      env: { ...process.env, BREACHCHECK_DATA_DIR: process.env.E2E_DATA_DIR, RUST_LOG: 'error' },
    },
  ).toString();
  const uri = output.split('\n').find((line) => line.startsWith('otpauth://'));
  if (!uri) throw new Error(`no enrolment URI in: ${output}`);
  return secretOf(uri);
}

/** The TOTP secret inside an `otpauth://` URI. */
export function secretOf(uri: string): Buffer {
  return base32Decode(new URL(uri).searchParams.get('secret') ?? '');
}

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238: HMAC-SHA1, 30-second steps, 6 digits. */
export function totp(secret: Buffer, unixSeconds = Date.now() / 1000): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/** Both sign-in steps through the forms, ending on the staff home page. */
export async function signIn(page: Page, email: string, password: string, secret: Buffer) {
  await page.goto('/staff/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code').fill(totp(secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/staff$/);
}
