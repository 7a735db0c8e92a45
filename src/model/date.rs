//! Dates as precise as the sources give them (a year, a month or a day) and times of day.

use std::fmt;

/// 2019, 2019-04 or 2019-04-29. Ordered by year, then month, then day, with a less precise
/// date sorting before the more precise dates inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses ISO 8601 calendar dates of any of the three precisions; refuses impossible
    /// ones such as 2019-02-30 with a reason, and a date written another way (2019年4月29日,
    /// 2019/4/29, 2019-4-29) with the way to write it.
    pub fn parse(s: &str) -> Result<PartialDate, String> {
        Self::parse_iso(s).map_err(|e| {
            let s = s.trim();
            // A time of day written into the date ("2019-04-29T09:30:00+08:00", "2019-04-29 09:30").
            if let Some((date, _)) = s.split_once(['T', ' ']).filter(|(d, t)| t.contains(':') && Self::parse_iso(d).is_ok()) {
                return format!(
                    "\"{s}\" holds a time of day, which a date does not: write {date}, and the time apart (an event's time: \"09:30\")"
                );
            }
            match iso_form(s).map(|iso| (Self::parse_iso(&iso), iso)) {
                Some((Ok(_), iso)) => format!("\"{s}\" is not written as a date: write {iso}"),
                // What is wrong with the date, named as the editor wrote it.
                Some((Err(e), iso)) => e.replace(&format!("\"{iso}\""), &format!("\"{s}\"")),
                None => e,
            }
        })
    }

    fn parse_iso(s: &str) -> Result<PartialDate, String> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize, what: &str| -> Result<u32, String> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("\"{s}\" is not a date: the {what} must be {len} digits"));
            }
            p.parse::<u32>().map_err(|_| format!("\"{s}\" is not a date"))
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("\"{s}\" is not a date"));
        }
        let year = num(parts[0], 4, "year")?;
        if !(1900..=2200).contains(&year) {
            return Err(format!("year {year} is out of range"));
        }
        let month = match parts.get(1) {
            Some(m) => {
                let m = num(m, 2, "month")?;
                if !(1..=12).contains(&m) {
                    return Err(format!("\"{s}\" has no month {m}"));
                }
                Some(m as u8)
            }
            None => None,
        };
        let day = match parts.get(2) {
            Some(d) => {
                let d = num(d, 2, "day")?;
                let m = month.unwrap_or(1);
                if jiff::civil::Date::new(year as i16, m as i8, d as i8).is_err() {
                    return Err(format!("\"{s}\" is an impossible date: month {m} of {year} has no day {d}"));
                }
                Some(d as u8)
            }
            None => None,
        };
        Ok(PartialDate { year: year as i16, month, day })
    }

    pub fn iso(&self) -> String {
        let mut s = String::with_capacity(10);
        self.push_iso(&mut s);
        s
    }

    /// Appends the date as [`PartialDate::iso`] writes it. Dates are written for every card
    /// and statistic, so the digits are put in directly rather than through `format!`.
    pub fn push_iso(&self, out: &mut String) {
        fn padded(out: &mut String, n: u16, width: usize) {
            let mut buffer = itoa::Buffer::new();
            let digits = buffer.format(n);
            out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
            out.push_str(digits);
        }
        match u16::try_from(self.year) {
            Ok(year) => padded(out, year, 4),
            // Before year 0, out of the range `parse` allows: as `{:04}` writes it.
            Err(_) => out.push_str(&format!("{:04}", self.year)),
        }
        if let Some(m) = self.month {
            out.push('-');
            padded(out, u16::from(m), 2);
            if let Some(d) = self.day {
                out.push('-');
                padded(out, u16::from(d), 2);
            }
        }
    }

    /// RFC 3339 timestamp at midnight China time, filling a missing month or day with 1.
    pub fn rfc3339(&self) -> String {
        format!("{:04}-{:02}-{:02}T00:00:00+08:00", self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }
}

/// `s` written as an ISO date when it is a year, month and day in another common form: a
/// four-digit year, then a month and a day of one or two digits, apart by 年 月 日, `/`, `.`
/// or `-` (2019年4月29日, 2019/4/29, 2019.04, 2019-4-29).
fn iso_form(s: &str) -> Option<String> {
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['年', '月', '/', '.', '-']).map(str::trim).collect();
    let (year, rest) = parts.split_first()?;
    if year.len() != 4 || rest.len() > 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut iso = year.to_string();
    for p in rest.iter().filter(|p| !p.is_empty()) {
        if !(1..=2).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        iso.push_str(&format!("-{p:0>2}"));
    }
    Some(iso)
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// A time of day in China time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
}

impl Time {
    pub fn parse(s: &str) -> Result<Time, String> {
        let s = s.trim();
        let err = || format!("\"{s}\" is not a time: write it as HH:MM, for example 09:30");
        let (h, m) = s.split_once(':').ok_or_else(err)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(err());
        }
        let hour: u8 = h.parse().map_err(|_| err())?;
        let minute: u8 = m.parse().map_err(|_| err())?;
        if hour > 23 || minute > 59 {
            return Err(err());
        }
        Ok(Time { hour, minute })
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_three_precisions() {
        assert_eq!(PartialDate::parse("2019").unwrap().to_string(), "2019");
        assert_eq!(PartialDate::parse("2019-04").unwrap().to_string(), "2019-04");
        assert_eq!(PartialDate::parse("2019-04-29").unwrap().to_string(), "2019-04-29");
        assert!(PartialDate::parse("2020-02-29").is_ok());
    }

    #[test]
    fn refuses_impossible_and_malformed_dates() {
        assert!(PartialDate::parse("2019-02-30").unwrap_err().contains("impossible"));
        assert!(PartialDate::parse("2019-13").is_err());
        assert!(PartialDate::parse("19-04-01").is_err());
        assert!(PartialDate::parse("2019/04/01").is_err());
        assert!(PartialDate::parse("").is_err());
    }

    #[test]
    fn a_date_written_another_way_is_refused_with_the_way_to_write_it() {
        let e = |s: &str| PartialDate::parse(s).unwrap_err();
        assert_eq!(e("2019年4月29日"), "\"2019年4月29日\" is not written as a date: write 2019-04-29");
        assert_eq!(
            e("2019-04-29T09:30:00+08:00"),
            "\"2019-04-29T09:30:00+08:00\" holds a time of day, which a date does not: write 2019-04-29, and the time apart (an event's time: \"09:30\")"
        );
        assert!(e("2019-04-29 09:30").starts_with("\"2019-04-29 09:30\" holds a time of day"));
        assert_eq!(e("2019年4月"), "\"2019年4月\" is not written as a date: write 2019-04");
        assert_eq!(e("2019年"), "\"2019年\" is not written as a date: write 2019");
        assert_eq!(e("2019/4/29"), "\"2019/4/29\" is not written as a date: write 2019-04-29");
        assert_eq!(e("2019.04"), "\"2019.04\" is not written as a date: write 2019-04");
        assert_eq!(e(" 2019-4-9 "), "\"2019-4-9\" is not written as a date: write 2019-04-09");
        // No form to suggest, or an impossible date: the reason as before.
        assert_eq!(e("2019年2月30日"), "\"2019年2月30日\" is an impossible date: month 2 of 2019 has no day 30");
        assert_eq!(e("2019/13"), "\"2019/13\" has no month 13");
        assert_eq!(e("19/4/29"), "\"19/4/29\" is not a date: the year must be 4 digits");
        assert_eq!(e("2019-13"), "\"2019-13\" has no month 13");
        assert_eq!(e("2019/4/29/1"), "\"2019/4/29/1\" is not a date: the year must be 4 digits");
    }

    #[test]
    fn written_with_zeros_to_four_two_and_two_digits() {
        let d = |year, month, day| PartialDate { year, month, day }.iso();
        assert_eq!(d(2019, Some(4), Some(9)), "2019-04-09");
        assert_eq!(d(2019, Some(12), None), "2019-12");
        assert_eq!(d(1900, None, Some(5)), "1900");
        // Outside the years `parse` allows, as `{:04}` writes them.
        assert_eq!(d(7, Some(1), Some(31)), "0007-01-31");
        assert_eq!(d(-12, None, None), format!("{:04}", -12));
        assert_eq!(d(12345, None, None), "12345");
        let mut s = String::from("on ");
        PartialDate::parse("2024-10-01").unwrap().push_iso(&mut s);
        assert_eq!(s, "on 2024-10-01");
    }

    #[test]
    fn less_precise_sorts_first() {
        let y = PartialDate::parse("2019").unwrap();
        let m = PartialDate::parse("2019-04").unwrap();
        let d = PartialDate::parse("2019-04-29").unwrap();
        assert!(y < m && m < d);
    }

    #[test]
    fn times() {
        assert_eq!(Time::parse("9:05").unwrap().to_string(), "09:05");
        assert!(Time::parse("24:00").is_err());
        assert!(Time::parse("noon").is_err());
    }
}
