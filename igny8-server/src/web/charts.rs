//! Charts as SVG drawn by the templates (no chart library, no script): this module only turns
//! numbers into geometry — bar lengths, positions, labels — and `templates/components/`
//! `bars.html` / `columns.html` draw it with presentation attributes (no `style=""`, which the
//! Content-Security-Policy forbids). Every label is text the template escapes, and every chart
//! comes with its numbers as a table for screen readers and for copying.

use super::table::number;

/// Width of a chart's drawing, in SVG units (it scales to its box).
const WIDTH: u32 = 560;
/// Room for the labels left of horizontal bars.
const LABEL_WIDTH: u32 = 150;
/// Room for the value right of a horizontal bar.
const VALUE_WIDTH: u32 = 70;
/// Height of one horizontal bar's row.
const ROW: u32 = 30;
/// Height of the drawing area of a column chart.
const COLUMN_HEIGHT: u32 = 140;

/// One bar of a chart, measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What it counts ("Keywords", "Informational", "3 Dec").
    pub label: String,
    /// Its value, written for people ("12,300").
    pub value: String,
    /// Position and size of its rectangle.
    pub x: u32,
    /// Top of its rectangle.
    pub y: u32,
    /// Width of its rectangle.
    pub width: u32,
    /// Height of its rectangle.
    pub height: u32,
    /// Where its label and value are written (baseline).
    pub text_y: u32,
    /// Where its value is written (horizontal bars: right of the bar).
    pub value_x: u32,
}

/// A chart ready to draw: its title, a sentence describing it, its bars and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// DOM id prefix (`funnel`), for the title and description ids.
    pub id: &'static str,
    /// Its title.
    pub title: String,
    /// What it shows, in one sentence (read by screen readers).
    pub desc: String,
    /// The bars.
    pub bars: Vec<Bar>,
    /// The drawing's width and height (the `viewBox`).
    pub width: u32,
    /// The drawing's height.
    pub height: u32,
    /// Labels under a column chart: first and last (x, text).
    pub axis: Vec<(u32, String)>,
    /// Columns (values over time) rather than horizontal bars.
    pub columns: bool,
}

impl Chart {
    /// Whether there is nothing to draw (every value zero, or no values).
    pub fn is_empty(&self) -> bool {
        self.bars.iter().all(|b| {
            if self.columns {
                b.height == 0
            } else {
                b.width == 0
            }
        })
    }
}

/// Scales `value` of `max` to `room` units; a value above zero always shows (1 unit at least).
fn scale(value: i64, max: i64, room: u32) -> u32 {
    if value <= 0 || max <= 0 {
        return 0;
    }
    let length = (value as f64 / max as f64 * f64::from(room)).round() as u32;
    length.clamp(1, room)
}

/// Horizontal bars, one per `(label, value)`, longest for the largest value.
pub fn bars(id: &'static str, title: &str, desc: &str, data: &[(String, i64)]) -> Chart {
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let bars = data
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let width = scale(*value, max, room);
            let y = i as u32 * ROW + 4;
            Bar {
                label: label.clone(),
                value: number(*value),
                x: LABEL_WIDTH,
                y,
                width,
                height: ROW - 10,
                text_y: y + 15,
                value_x: LABEL_WIDTH + width + 6,
            }
        })
        .collect();
    Chart {
        id,
        title: title.to_owned(),
        desc: desc.to_owned(),
        bars,
        width: WIDTH,
        height: (data.len() as u32 * ROW).max(ROW) + 4,
        axis: Vec::new(),
        columns: false,
    }
}

/// Columns, one per `(label, value)` in order (days), tallest for the largest value; the
/// first and last labels are written under the axis.
pub fn columns(id: &'static str, title: &str, desc: &str, data: &[(String, i64)]) -> Chart {
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let n = data.len().max(1) as u32;
    let slot = WIDTH / n;
    let gap = (slot / 5).max(1);
    let bars: Vec<Bar> = data
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let height = scale(*value, max, COLUMN_HEIGHT);
            Bar {
                label: label.clone(),
                value: number(*value),
                x: i as u32 * slot + gap / 2,
                y: COLUMN_HEIGHT - height,
                width: slot.saturating_sub(gap).max(1),
                height,
                text_y: COLUMN_HEIGHT + 16,
                value_x: 0,
            }
        })
        .collect();
    let mut axis = Vec::new();
    if let (Some(first), Some(last)) = (data.first(), data.last()) {
        axis.push((0, first.0.clone()));
        if data.len() > 1 {
            axis.push((WIDTH, last.0.clone()));
        }
    }
    Chart {
        id,
        title: title.to_owned(),
        desc: desc.to_owned(),
        bars,
        width: WIDTH,
        height: COLUMN_HEIGHT + 22,
        axis,
        columns: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(values: &[i64]) -> Vec<(String, i64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("b{i}"), *v))
            .collect()
    }

    #[test]
    fn the_largest_bar_fills_the_room_and_small_ones_still_show() {
        let c = bars("t", "T", "D", &data(&[1_000_000_000_000, 1, 0]));
        let room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert_eq!(c.bars[0].width, room);
        assert_eq!(c.bars[1].width, 1, "a value above zero is never invisible");
        assert_eq!(c.bars[2].width, 0);
        assert_eq!(c.bars[0].value, "1,000,000,000,000");
        assert!(c.bars.iter().all(|b| b.value_x <= WIDTH));
        assert_eq!(c.height, 3 * ROW + 4);
    }

    #[test]
    fn nothing_to_draw_is_said_so() {
        assert!(bars("t", "T", "D", &[]).is_empty());
        assert!(bars("t", "T", "D", &data(&[0, 0])).is_empty());
        assert!(columns("t", "T", "D", &[]).is_empty());
        assert!(!columns("t", "T", "D", &data(&[0, 3])).is_empty());
    }

    #[test]
    fn columns_stand_on_the_axis_and_fit_the_width() {
        let c = columns("t", "T", "D", &data(&[5, 10, 0, -3]));
        assert_eq!(c.bars[1].height, COLUMN_HEIGHT);
        assert_eq!(c.bars[0].height, COLUMN_HEIGHT / 2);
        for b in &c.bars {
            assert_eq!(b.y + b.height, COLUMN_HEIGHT, "{b:?}");
            assert!(b.x + b.width <= WIDTH);
        }
        assert_eq!(c.bars[3].height, 0, "refunds don't draw below the axis");
        assert_eq!(c.axis.len(), 2);
        let one = columns("t", "T", "D", &data(&[7]));
        assert_eq!(one.axis.len(), 1);
        assert_eq!(one.bars[0].height, COLUMN_HEIGHT);
    }
}
