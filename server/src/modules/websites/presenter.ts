import { toRfc3339 } from '../../lib/time.js';
import type { WebsiteRow } from './repo.js';
import type { VerificationInstructions } from './verification.js';

/** Pinterest's `UserWebsiteSummary`: every listed website is a verified claim. */
export function presentWebsiteSummary(row: WebsiteRow) {
  return {
    status: 'success',
    verified_at: toRfc3339(row.verifiedAt),
    website: row.website,
  };
}

/** Pinterest's `UserWebsiteVerificationCode`. */
export function presentVerificationCode(instructions: VerificationInstructions) {
  return {
    dns_txt_record: instructions.dnsTxtRecord,
    file_content: instructions.fileContent,
    filename: instructions.filename,
    metatag: instructions.metatag,
    verification_code: instructions.verificationCode,
  };
}
