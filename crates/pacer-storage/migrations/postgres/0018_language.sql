-- A person's own language (a BCP 47 tag Pacer speaks: 'en', 'fr'); NULL follows the
-- organisation's, then the browser's.
ALTER TABLE users ADD COLUMN language TEXT;
