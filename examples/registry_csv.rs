//! Writes a synthetic registry CSV file, for measuring imports:
//!
//! ```sh
//! cargo run --release --example registry_csv -- 100000 /tmp/registry.csv
//! ```
//!
//! The persons are the demo population's, repeated with new national IDs.

use std::io::{BufWriter, Write};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: registry_csv ROWS FILE";
    let rows: u32 = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let path = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let people = civitas::demo::population();
    let mut out = csv::Writer::from_writer(BufWriter::new(std::fs::File::create(&path)?));
    out.write_record(civitas::registry::CSV_HEADER)?;
    for i in 0..rows {
        let p = &people[i as usize % people.len()];
        let id = civitas::registry::NationalId::from_digits(300_000_000 + i);
        let birth = p.birth_date.to_string();
        out.write_record([
            id.as_str(),
            &p.family_name,
            &p.given_names,
            &birth,
            p.sex.code(),
            &p.nationality,
            &p.street_address,
            &p.postal_code,
            &p.locality,
            &p.country,
            p.email.as_deref().unwrap_or(""),
            p.phone.as_deref().unwrap_or(""),
        ])?;
    }
    out.into_inner()?.flush()?;
    eprintln!("wrote {rows} persons to {path}");
    Ok(())
}
