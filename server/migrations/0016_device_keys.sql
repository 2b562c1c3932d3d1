-- The public half of each device's Ed25519 key (32 bytes), registered at
-- enrolment: the server verifies the device's signed evidence with it.
-- NULL for devices enrolled by apps before signing.
ALTER TABLE devices ADD COLUMN public_key BLOB CHECK (public_key IS NULL OR length(public_key) = 32);
