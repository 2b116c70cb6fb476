//! When automation runs: cron expressions in a time zone, "every N hours", and publish slots
//! ("Mon/Wed/Fri 09:00"). Pure functions of a time; the clock is the caller's.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A parsed time zone name (IANA, e.g. `Europe/Berlin`; `UTC`).
pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("{name:?} is not a time zone name of the IANA database (e.g. Europe/Berlin, UTC)")
    })
}

/// A cron expression of five fields — minute, hour, day of month, month, day of week — with
/// `*`, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `8-18/2`), month and day names (`jan`,
/// `mon-fri`; Sunday is 0 or 7), and the shorthands `@hourly`, `@daily`, `@weekly`,
/// `@monthly`, `@yearly`. As in cron, when both the day of month and the day of week are
/// restricted, a day matching either runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    days_any: bool,
    weekdays_any: bool,
    text: String,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Parses one field into a bit set of the values in `min..=max`.
fn field(text: &str, name: &str, min: u32, max: u32, names: &[&str]) -> Result<u64, String> {
    let value = |v: &str| -> Result<u32, String> {
        let lower = v.to_ascii_lowercase();
        if let Some(i) = names.iter().position(|n| *n == lower) {
            return Ok(i as u32 + min);
        }
        let n: u32 = v
            .parse()
            .map_err(|_| format!("{name}: {v:?} is not a number"))?;
        // Sunday may be written 7.
        let n = if name == "day of week" && n == 7 {
            0
        } else {
            n
        };
        if n < min || n > max {
            return Err(format!("{name}: {n} is outside {min}-{max}"));
        }
        Ok(n)
    };
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .map_err(|_| format!("{name}: step {s:?} is not a number"))?;
                if step == 0 {
                    return Err(format!("{name}: a step of 0 never matches"));
                }
                (r, step)
            }
            None => (part, 1),
        };
        let (from, to) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a)?, value(b)?);
            // `fri-sun` style ranges wrap only for names; numbers must ascend.
            if a > b && !(name == "day of week" && b == 0) {
                return Err(format!("{name}: range {range:?} runs backwards"));
            }
            (a, if b == 0 && a > 0 { 7 } else { b })
        } else if step > 1 {
            // `5/15` means from 5 to the end, every 15.
            (value(range)?, max)
        } else {
            let v = value(range)?;
            (v, v)
        };
        let mut v = from;
        while v <= to {
            bits |= 1 << (if v == 7 { 0 } else { v });
            v += step;
        }
    }
    if bits == 0 {
        return Err(format!("{name}: {text:?} matches nothing"));
    }
    Ok(bits)
}

impl FromStr for Cron {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let text = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let expanded = match text.as_str() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split(' ').collect();
        if fields.len() != 5 {
            return Err(format!(
                "{text:?} has {} fields; a cron expression has five: minute hour day-of-month month day-of-week (e.g. \"0 9 * * mon-fri\")",
                fields.len()
            ));
        }
        let cron = Cron {
            minutes: field(fields[0], "minute", 0, 59, &[])?,
            hours: field(fields[1], "hour", 0, 23, &[])? as u32,
            days: field(fields[2], "day of month", 1, 31, &[])? as u32,
            months: field(fields[3], "month", 1, 12, &MONTHS)? as u16,
            weekdays: field(fields[4], "day of week", 0, 6, &WEEKDAYS)? as u8,
            days_any: fields[2] == "*",
            weekdays_any: fields[4] == "*",
            text,
        };
        // A day of month that no month in the set has (e.g. 30 February) never runs.
        if cron.weekdays_any
            && !(1..=12).any(|m| {
                cron.months & (1 << m) != 0
                    && (1..=days_in_month(m)).any(|d| cron.days & (1 << d) != 0)
            })
        {
            return Err(format!(
                "{:?} names a day that its months never have",
                cron.text
            ));
        }
        Ok(cron)
    }
}

impl fmt::Display for Cron {
    /// The expression as given, with its whitespace collapsed (`0 9 * * mon-fri`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Serde as the expression's text, the form rules are stored and shown in.
impl serde::Serialize for Cron {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cron {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn days_in_month(month: u32) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Cron {
    fn day_matches(&self, date: NaiveDate) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let dom = self.days & (1 << date.day()) != 0;
        let dow = self.weekdays & (1 << date.weekday().num_days_from_sunday()) != 0;
        match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (false, true) => dom,
            (true, false) => dow,
            (false, false) => dom || dow,
        }
    }

    /// The first time after `after` (strictly) that the expression names in `tz`. A local
    /// time that doesn't exist (the hour skipped when clocks go forward) runs at the same
    /// instant one hour later on the clock; one that happens twice runs the first time.
    pub fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let start = after.with_timezone(&tz).date_naive() - Duration::days(1);
        // Five years cover any expression that runs at all (29 February included).
        for offset in 0..(366 * 5) {
            let date = start + Duration::days(offset);
            if !self.day_matches(date) {
                continue;
            }
            for hour in (0..24).filter(|h| self.hours & (1 << h) != 0) {
                for minute in (0..60).filter(|m| self.minutes & (1u64 << m) != 0) {
                    let local = date.and_hms_opt(hour, minute, 0)?;
                    if let Some(at) = instant(tz, local)
                        && at > after
                    {
                        return Some(at);
                    }
                }
            }
        }
        None
    }
}

/// The instant of a local time in `tz`: the earlier of two, or for a time in a gap, the
/// instant an hour later on the clock.
fn instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// When a rule runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// On the times a cron expression names, in a time zone.
    Cron(Cron, Tz),
    /// Every `hours` hours from an anchor time.
    Every {
        /// The period.
        hours: u32,
        /// A time it runs at; the others are whole periods from it.
        anchor: DateTime<Utc>,
    },
}

impl Schedule {
    /// The first run time strictly after `after`. Times missed while nothing was running are
    /// not returned: a schedule resumed late runs once, at its next time.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Cron(cron, tz) => cron.next_after(after, *tz),
            Schedule::Every { hours, anchor } => {
                let period = Duration::hours(i64::from(*hours)).num_milliseconds();
                let since = (after - *anchor).num_milliseconds();
                if since < 0 {
                    return Some(*anchor);
                }
                let periods = since / period + 1;
                Some(*anchor + Duration::milliseconds(periods * period))
            }
        }
    }
}

/// A weekly publish slot: a day of the week and a time of day, in the rule's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    /// Days from Sunday (0–6).
    pub weekday: u32,
    /// Hour (0–23).
    pub hour: u32,
    /// Minute (0–59).
    pub minute: u32,
}

impl FromStr for Slot {
    type Err = String;

    /// `mon 09:00`, `Friday 17:30`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a publish slot like \"mon 09:00\"");
        let (day, time) = s.trim().split_once(char::is_whitespace).ok_or_else(bad)?;
        let day = day.trim().to_ascii_lowercase();
        let weekday = WEEKDAYS
            .iter()
            .position(|d| day.len() >= 3 && (day.starts_with(d)))
            .ok_or_else(bad)? as u32;
        let (h, m) = time.trim().split_once(':').ok_or_else(bad)?;
        let hour: u32 = h.parse().map_err(|_| bad())?;
        let minute: u32 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 {
            return Err(bad());
        }
        Ok(Slot {
            weekday,
            hour,
            minute,
        })
    }
}

impl fmt::Display for Slot {
    /// The normal form: a three-letter day and a 24-hour time (`mon 09:00`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}",
            WEEKDAYS[self.weekday as usize], self.hour, self.minute
        )
    }
}

/// Serde as the slot's normal form (`mon 09:00`); any form [`Slot::from_str`] reads is
/// accepted.
impl serde::Serialize for Slot {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Slot {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde for a [`Tz`] as its IANA name (`Europe/Berlin`), for `#[serde(with = ...)]`: the
/// form rules are stored and shown in. Reading goes through [`parse_timezone`].
pub mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the zone's IANA name.
    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    /// Reads an IANA name; an unknown one is an error naming it.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        super::parse_timezone(&name).map_err(serde::de::Error::custom)
    }
}

/// The next `n` slot times strictly after `after`, in order.
pub fn next_slots(slots: &[Slot], tz: Tz, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
    let mut sorted = slots.to_vec();
    sorted.sort_by_key(|s| (s.hour, s.minute));
    sorted.dedup();
    let mut out = Vec::with_capacity(n);
    if sorted.is_empty() {
        return out;
    }
    let start = after.with_timezone(&tz).date_naive() - Duration::days(1);
    let mut offset = 0;
    while out.len() < n && offset < 366 * 10 {
        let date = start + Duration::days(offset);
        offset += 1;
        let weekday = date.weekday().num_days_from_sunday();
        for slot in sorted.iter().filter(|s| s.weekday == weekday) {
            let Some(local) = date.and_hms_opt(slot.hour, slot.minute, 0) else {
                continue;
            };
            if let Some(at) = instant(tz, local)
                && at > after
                && out.len() < n
            {
                out.push(at);
            }
        }
    }
    out
}

/// Midnight starting the month of `at` in `tz` (budgets per month follow the rule's zone).
pub fn month_start(at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = at.with_timezone(&tz);
    NaiveDate::from_ymd_opt(local.year(), local.month(), 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|m| instant(tz, m))
        .unwrap_or(at)
}

/// Whether `t` is on a whole minute (cron times are).
#[cfg(test)]
fn whole_minute(t: DateTime<Utc>) -> bool {
    use chrono::Timelike;
    t.second() == 0 && t.nanosecond() == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn next(expr: &str, tz: &str, after: &str) -> String {
        let cron: Cron = expr.parse().unwrap();
        cron.next_after(utc(after), parse_timezone(tz).unwrap())
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn cron_fields_parse_and_refuse() {
        for ok in [
            "* * * * *",
            "*/15 8-18 * * mon-fri",
            "0 9 1,15 * *",
            "30 6 * jan-mar sun",
            "0 0 * * 7",
            "5/20 * * * *",
            "@hourly",
            "@weekly",
            "0 12 * * fri-sun",
        ] {
            assert!(ok.parse::<Cron>().is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("* * * *", "five"),
            ("61 * * * *", "minute: 61"),
            ("* 24 * * *", "hour: 24"),
            ("*/0 * * * *", "step of 0"),
            ("0 9 * * funday", "day of week"),
            ("0 9 30 feb *", "never have"),
            ("0 9 5-1 * *", "backwards"),
        ] {
            let e = bad.parse::<Cron>().unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn cron_times_follow_the_zone() {
        assert_eq!(
            next("0 * * * *", "UTC", "2026-03-02T10:00:00Z"),
            "2026-03-02T11:00:00+00:00"
        );
        assert_eq!(
            next("0 * * * *", "UTC", "2026-03-02T10:59:59Z"),
            "2026-03-02T11:00:00+00:00"
        );
        // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer.
        assert_eq!(
            next("0 9 * * mon-fri", "Europe/Berlin", "2026-03-06T09:00:00Z"),
            "2026-03-09T08:00:00+00:00"
        );
        assert_eq!(
            next("0 9 * * *", "Europe/Berlin", "2026-06-01T12:00:00Z"),
            "2026-06-02T07:00:00+00:00"
        );
        // 1 and 15 of the month, or any Friday: cron's either-day rule.
        assert_eq!(
            next("0 0 1,15 * fri", "UTC", "2026-11-02T00:00:00Z"),
            "2026-11-06T00:00:00+00:00"
        );
        assert_eq!(
            next("0 0 29 2 *", "UTC", "2026-03-01T00:00:00Z"),
            "2028-02-29T00:00:00+00:00"
        );
    }

    #[test]
    fn clock_changes_neither_skip_nor_double_a_run() {
        // Berlin skips 02:00–03:00 on 29 March 2026: the 02:30 run happens at 03:30 local.
        assert_eq!(
            next("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z"),
            "2026-03-29T01:30:00+00:00"
        );
        // 02:30 happens twice on 25 October 2026: it runs the first time only.
        let first = next("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z");
        assert_eq!(first, "2026-10-25T00:30:00+00:00");
        assert_eq!(
            next("30 2 * * *", "Europe/Berlin", &first),
            "2026-10-26T01:30:00+00:00"
        );
    }

    #[test]
    fn every_n_hours_counts_from_its_anchor_and_never_catches_up_twice() {
        let every = Schedule::Every {
            hours: 6,
            anchor: utc("2026-01-01T03:00:00Z"),
        };
        assert_eq!(
            every.next_after(utc("2026-01-01T03:00:00Z")),
            Some(utc("2026-01-01T09:00:00Z"))
        );
        // Down for three days: the next run is the next period, not the missed ones.
        assert_eq!(
            every.next_after(utc("2026-01-04T10:00:00Z")),
            Some(utc("2026-01-04T15:00:00Z"))
        );
        assert_eq!(
            every.next_after(utc("2025-12-31T00:00:00Z")),
            Some(utc("2026-01-01T03:00:00Z"))
        );
    }

    #[test]
    fn publish_slots() {
        let slots: Vec<Slot> = ["mon 09:00", "Wednesday 09:00", "fri 09:00"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(slots[1].to_string(), "wed 09:00");
        let tz = parse_timezone("America/New_York").unwrap();
        // Sunday 29 November 2026, noon UTC.
        let got = next_slots(&slots, tz, utc("2026-11-29T12:00:00Z"), 4);
        let want = [
            "2026-11-30T14:00:00+00:00",
            "2026-12-02T14:00:00+00:00",
            "2026-12-04T14:00:00+00:00",
            "2026-12-07T14:00:00+00:00",
        ];
        assert_eq!(got.iter().map(|t| t.to_rfc3339()).collect::<Vec<_>>(), want);
        assert!(got.iter().all(|t| whole_minute(*t)));
        for bad in ["09:00", "mon 25:00", "xyz 09:00", "mon nine"] {
            assert!(bad.parse::<Slot>().is_err(), "{bad}");
        }
    }

    #[test]
    fn months_start_in_the_rules_zone() {
        let tz = parse_timezone("Asia/Tokyo").unwrap();
        // 20:00 UTC on 30 November is already 1 December in Tokyo.
        assert_eq!(
            month_start(utc("2026-11-30T20:00:00Z"), tz),
            utc("2026-11-30T15:00:00Z")
        );
        assert!(parse_timezone("Mars/Olympus").is_err());
    }
}
