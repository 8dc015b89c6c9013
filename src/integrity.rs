//! Checksums for what mdrsim stores and reads back: event logs, part files and result
//! tables carry a CRC-32 of their content, and every reader recomputes it and refuses a
//! mismatch. CRC-32 detects every single-bit flip and every burst of up to 32 bits, so
//! a damaged file is refused rather than read as different numbers.

/// A running CRC-32 (IEEE) of some content.
#[derive(Clone, Default)]
pub struct Checksum(crc32fast::Hasher);

impl Checksum {
    /// An empty checksum.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Adds a field: its length first, so `ab`,`c` and `a`,`bc` differ.
    pub fn field(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// The checksum as stored: eight lower-case hex digits.
    pub fn text(&self) -> String {
        format!("{:08x}", self.0.clone().finalize())
    }
}

/// The checksum text of `bytes`.
pub fn checksum_text(bytes: &[u8]) -> String {
    let mut c = Checksum::new();
    c.update(bytes);
    c.text()
}

/// A writer that checksums every byte it passes on (for the data region of a Parquet
/// file, checked before any page is decoded).
pub struct ChecksumWriter<W> {
    inner: W,
    sum: Checksum,
    written: u64,
}

impl<W> ChecksumWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        ChecksumWriter {
            inner,
            sum: Checksum::new(),
            written: 0,
        }
    }

    /// `LENGTH:CRC` of everything written so far.
    pub fn checksum(&self) -> String {
        format!("{}:{}", self.written, self.sum.text())
    }
}

impl<W: std::io::Write> std::io::Write for ChecksumWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

thread_local! {
    static DECODING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a third-party decoder over bytes that may be damaged, turning a panic inside it
/// into an error. The Arrow and Parquet decoders assert on some malformed input instead
/// of returning errors; checksums catch damage before decoding where the format allows,
/// and this is the last line. The panic message is kept out of stderr (the caller
/// reports one line).
pub fn guard_decoder<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !DECODING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = DECODING.with(|d| d.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    DECODING.with(|d| d.set(was));
    out.map_err(|p| {
        let why = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("{what} is damaged (the decoder failed: {why})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_value_and_every_single_bit_flip_detected() {
        // The CRC-32 check value of "123456789" (IEEE 802.3).
        assert_eq!(checksum_text(b"123456789"), "cbf43926");
        let data = b"{\"end\":{\"events\":12}}\n".to_vec();
        let good = checksum_text(&data);
        for i in 0..data.len() * 8 {
            let mut d = data.clone();
            d[i / 8] ^= 1 << (i % 8);
            assert_ne!(checksum_text(&d), good, "bit {i}");
        }
    }
}
