"""One rule for masking personal data, used by every package of the suite.

The drivers (which import no hall package) and the hall protocol (which imports no driver)
both need it, so it lives here, a leaf of pure standard-library functions:

- an ID number keeps its first 6 and last 4 characters: 110101********1234 (region and
  check digits tell two records apart in a log, and nothing more);
- a mobile phone number keeps its first 3 and last 4 digits: 138****5678;
- a name keeps its first character: 张**.

`mask_text` masks anything in free text shaped like an ID number or a mobile number, so a
message that carries one by mistake is safe to log or publish. `privacy.logs` applies it to
every log record (`install_log_masking`, called by every entry point) and
`privacy.files` creates the files that hold state readable by their owner only.
"""
from __future__ import annotations

from privacy.files import LOG_MODE, PRIVATE_MODE, create_private, open_log, private_dir, write_private
from privacy.logs import MaskingFilter, install_log_masking
from privacy.masking import ID_LIKE, PERSONAL_LIKE, mask_id, mask_name, mask_phone, mask_text

__all__ = ["ID_LIKE", "LOG_MODE", "PERSONAL_LIKE", "PRIVATE_MODE", "MaskingFilter", "create_private",
           "install_log_masking", "mask_id", "mask_name", "mask_phone", "mask_text", "open_log", "private_dir",
           "write_private"]
