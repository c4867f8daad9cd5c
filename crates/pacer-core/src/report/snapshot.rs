//! A daily cube written as bytes and read back: a server keeps the last one it read in the
//! database, so the next server to start reads a few megabytes instead of every rollup row,
//! then only the days changed since (see `pacer_app::cache`).
//!
//! The form is compact and versioned: a magic word and format number, the activity types,
//! then each series as its key and its columns, days as differences (series are in day order),
//! every integer as a LEB128 variable-length number (signed ones zigzag-encoded). Anything
//! that does not read back whole (another format, a cut-off or altered blob) is an error, never
//! a panic or a half cube: the caller then reads the rollups instead.

use super::{ActivitySeries, DailyCube, Day, DealSeries};
use crate::records::{DealKind, DealStatus};
use thiserror::Error;

/// The start of every snapshot: the name and the format's number.
const MAGIC: &[u8] = b"PACERCUBE\x01";

/// Deal kinds and statuses by their number in a snapshot (never reorder: append only).
const KINDS: [DealKind; 4] = [DealKind::New, DealKind::Upsell, DealKind::CrossSell, DealKind::Renewal];
const STATUSES: [DealStatus; 3] = [DealStatus::Open, DealStatus::Won, DealStatus::Lost];

/// Why a snapshot could not be read back.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not a snapshot of this format (another version of Pacer wrote it, or not a snapshot).
    #[error("not a cube snapshot of this format")]
    Format,
    /// Cut off or altered.
    #[error("the cube snapshot is damaged at byte {0}")]
    Damaged(usize),
}

impl DailyCube {
    /// The cube as bytes (see the module's comment).
    pub fn snapshot(&self) -> Vec<u8> {
        if !self.sealed {
            let mut sealed = self.clone();
            sealed.seal();
            return sealed.snapshot();
        }
        let mut out = Writer(Vec::with_capacity(MAGIC.len() + self.cells * 6));
        out.0.extend_from_slice(MAGIC);
        out.unsigned(self.types.len() as u64);
        for t in &self.types {
            out.unsigned(t.len() as u64);
            out.0.extend_from_slice(t.as_bytes());
        }
        out.unsigned(self.activity_series.len() as u64);
        for ((rep, t), s) in &self.activity_series {
            out.signed(*rep);
            out.unsigned(u64::from(*t));
            out.days(&s.days);
            s.n.iter().for_each(|v| out.unsigned(u64::from(*v)));
            s.duration_s.iter().for_each(|v| out.signed(*v));
            s.duration_n.iter().for_each(|v| out.unsigned(u64::from(*v)));
        }
        out.unsigned(self.deal_series.len() as u64);
        for ((rep, kind, status), s) in &self.deal_series {
            out.signed(*rep);
            out.unsigned(KINDS.iter().position(|k| k == kind).unwrap_or_default() as u64);
            out.unsigned(STATUSES.iter().position(|k| k == status).unwrap_or_default() as u64);
            out.days(&s.days);
            s.n.iter().for_each(|v| out.unsigned(u64::from(*v)));
            s.amount_minor.iter().for_each(|v| out.signed(*v));
        }
        out.0
    }

    /// Reads back what [`DailyCube::snapshot`] wrote.
    pub fn from_snapshot(bytes: &[u8]) -> Result<DailyCube, SnapshotError> {
        let body = bytes.strip_prefix(MAGIC).ok_or(SnapshotError::Format)?;
        let mut r = Reader { bytes: body, at: 0, offset: MAGIC.len() };
        let mut cube = DailyCube::default();
        let types = r.count()?;
        for _ in 0..types {
            let len = r.count()?;
            let damaged = r.damaged();
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| damaged)?;
            cube.types.push(text.to_string());
        }
        for _ in 0..r.count()? {
            let rep = r.signed()?;
            let t = u16::try_from(r.unsigned()?).ok().filter(|t| usize::from(*t) < cube.types.len());
            let t = t.ok_or_else(|| r.damaged())?;
            let days = r.days()?;
            let len = days.len();
            let s = ActivitySeries {
                days,
                n: r.column(len, Reader::small)?,
                duration_s: r.column(len, Reader::signed)?,
                duration_n: r.column(len, Reader::small)?,
            };
            cube.cells += len;
            if len == 0 || cube.activity_series.insert((rep, t), s).is_some() {
                return Err(r.damaged());
            }
        }
        for _ in 0..r.count()? {
            let rep = r.signed()?;
            let kind = *KINDS.get(r.count()?).ok_or_else(|| r.damaged())?;
            let status = *STATUSES.get(r.count()?).ok_or_else(|| r.damaged())?;
            let days = r.days()?;
            let len = days.len();
            let s = DealSeries { days, n: r.column(len, Reader::small)?, amount_minor: r.column(len, Reader::signed)? };
            cube.cells += len;
            if len == 0 || cube.deal_series.insert((rep, kind, status), s).is_some() {
                return Err(r.damaged());
            }
        }
        if r.at != r.bytes.len() {
            return Err(r.damaged());
        }
        cube.reset_span();
        cube.sealed = true;
        Ok(cube)
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn unsigned(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn signed(&mut self, v: i64) {
        self.unsigned(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A series' days: how many, the first, then each one's distance from the one before.
    fn days(&mut self, days: &[Day]) {
        self.unsigned(days.len() as u64);
        let mut before = 0i64;
        for (i, d) in days.iter().enumerate() {
            let d = i64::from(*d);
            if i == 0 {
                self.signed(d)
            } else {
                self.unsigned((d - before) as u64)
            }
            before = d;
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Where `bytes` starts in the whole snapshot, for the error's position.
    offset: usize,
}

impl Reader<'_> {
    fn damaged(&self) -> SnapshotError {
        SnapshotError::Damaged(self.offset + self.at)
    }

    fn unsigned(&mut self) -> Result<u64, SnapshotError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or_else(|| self.damaged())?;
            self.at += 1;
            v |= u64::from(byte & 0x7f)
                .checked_shl(shift)
                .filter(|_| shift < 63 || byte <= 1)
                .ok_or_else(|| self.damaged())?;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.damaged())
    }

    fn signed(&mut self) -> Result<i64, SnapshotError> {
        let v = self.unsigned()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A number of things: no more than there are bytes left, so that a damaged count cannot
    /// make the reader reserve memory for nothing.
    fn count(&mut self) -> Result<usize, SnapshotError> {
        let n = self.unsigned()?;
        usize::try_from(n).ok().filter(|n| *n <= self.bytes.len() - self.at).ok_or_else(|| self.damaged())
    }

    fn small(&mut self) -> Result<u32, SnapshotError> {
        u32::try_from(self.unsigned()?).map_err(|_| self.damaged())
    }

    fn take(&mut self, len: usize) -> Result<&[u8], SnapshotError> {
        let end = self.at.checked_add(len).filter(|end| *end <= self.bytes.len()).ok_or_else(|| self.damaged())?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn days(&mut self) -> Result<Vec<Day>, SnapshotError> {
        let len = self.count()?;
        let mut days = Vec::with_capacity(len);
        let mut day = 0i64;
        for i in 0..len {
            day = if i == 0 {
                self.signed()?
            } else {
                day.checked_add_unsigned(self.unsigned()?).ok_or_else(|| self.damaged())?
            };
            days.push(Day::try_from(day).map_err(|_| self.damaged())?);
        }
        Ok(days)
    }

    fn column<T>(
        &mut self,
        len: usize,
        read: fn(&mut Self) -> Result<T, SnapshotError>,
    ) -> Result<Vec<T>, SnapshotError> {
        (0..len).map(|_| read(self)).collect()
    }
}
