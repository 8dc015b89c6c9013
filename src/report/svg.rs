//! Charts as plain SVG: axes with "nice" ticks (linear, logarithmic, or given), grid
//! lines, titles, axis labels with units, legends; lines (straight or stepped), bars,
//! shaded spans, point markers and interval whiskers. Every piece of text is escaped,
//! so a name holding `<script>` is drawn as text. Deterministic: the same data gives
//! the same bytes.

use std::fmt::Write as _;

/// Colours that stay distinct for the common forms of colour blindness (Okabe–Ito;
/// its yellow last, being faint on white).
pub const PALETTE: [&str; 9] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999",
    "#F0E442",
];

/// A colour for series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// XML-escapes text for an element or an attribute.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An axis: range, scale, label and ticks.
#[derive(Clone, Debug)]
pub struct Axis {
    /// Lower end of the range.
    pub min: f64,
    /// Upper end.
    pub max: f64,
    /// Logarithmic: positions follow ln(v + `shift`) (`min + shift` > 0).
    pub log: bool,
    /// Added before the logarithm, so a log axis can start at 0.
    pub shift: f64,
    /// The label, with its unit.
    pub label: String,
    /// Tick positions and their labels.
    pub ticks: Vec<(f64, String)>,
}

/// 1, 2 or 5 × 10^k steps covering `[min, max]` with about `n` ticks.
pub fn nice_ticks(min: f64, max: f64, n: usize, fmt: &dyn Fn(f64) -> String) -> Vec<(f64, String)> {
    let span = (max - min).abs().max(1e-12);
    let raw = span / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut out = Vec::new();
    let mut t = (min / step).ceil() * step;
    while t <= max + step * 1e-9 {
        let v = if t.abs() < step * 1e-9 { 0.0 } else { t };
        out.push((v, fmt(v)));
        t += step;
    }
    out
}

impl Axis {
    /// A linear axis from `min` to `max` with nice ticks.
    pub fn linear(min: f64, max: f64, label: &str, fmt: &dyn Fn(f64) -> String) -> Axis {
        let max = if max > min { max } else { min + 1.0 };
        Axis {
            min,
            max,
            log: false,
            shift: 0.0,
            label: label.into(),
            ticks: nice_ticks(min, max, 5, fmt),
        }
    }

    fn frac(&self, v: f64) -> f64 {
        if self.log {
            let ln = |x: f64| (x + self.shift).max(1e-12).ln();
            let (a, b) = (ln(self.min), ln(self.max));
            (ln(v.max(self.min)) - a) / (b - a).max(1e-12)
        } else {
            (v - self.min) / (self.max - self.min).max(1e-12)
        }
    }
}

/// What a chart draws.
#[derive(Clone, Debug)]
pub enum Mark {
    /// A polyline; `step` draws a step function (horizontal then vertical).
    Line {
        /// Points in data units.
        points: Vec<(f64, f64)>,
        /// Colour.
        colour: String,
        /// Step function.
        step: bool,
        /// Dashed.
        dashed: bool,
    },
    /// Vertical bars from 0: `(x0, x1, height)`.
    Bars {
        /// Bars.
        bars: Vec<(f64, f64, f64)>,
        /// Colour.
        colour: String,
    },
    /// A polyline on the right-hand axis ([`Chart::right`]).
    RightLine {
        /// Points in data units (y on the right axis).
        points: Vec<(f64, f64)>,
        /// Colour.
        colour: String,
        /// Step function.
        step: bool,
        /// Dashed.
        dashed: bool,
    },
    /// A shaded rectangle in data units with a hover title.
    Span {
        /// `(x0, x1, y0, y1)`.
        rect: (f64, f64, f64, f64),
        /// Colour.
        colour: String,
        /// Hover text.
        title: String,
    },
    /// A marker with optional whiskers (x and y intervals) and a text label.
    Point {
        /// Position.
        at: (f64, f64),
        /// `(x_low, x_high)`.
        x_range: Option<(f64, f64)>,
        /// `(y_low, y_high)`.
        y_range: Option<(f64, f64)>,
        /// Colour.
        colour: String,
        /// Drawn beside the marker (and as its hover title).
        label: String,
        /// `circle` or `triangle`.
        triangle: bool,
        /// Vertical offset of the label (px), to keep close labels apart.
        label_dy: f64,
    },
}

/// One chart: a title, two axes, marks and a legend.
#[derive(Clone, Debug)]
pub struct Chart {
    /// Title drawn above the plot.
    pub title: String,
    /// Width in px.
    pub width: f64,
    /// Height in px.
    pub height: f64,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
    /// What is drawn, in order.
    pub marks: Vec<Mark>,
    /// `(colour, label, dashed)`.
    pub legend: Vec<(String, String, bool)>,
    /// Left margin (room for tick labels).
    pub left: f64,
    /// A second vertical axis on the right, for [`Mark::RightLine`]s (another unit).
    pub right: Option<Axis>,
}

impl Chart {
    /// An empty chart.
    pub fn new(title: &str, width: f64, height: f64, x: Axis, y: Axis) -> Chart {
        Chart {
            title: title.into(),
            width,
            height,
            x,
            y,
            marks: Vec::new(),
            legend: Vec::new(),
            left: 64.0,
            right: None,
        }
    }

    /// The chart as an `<svg>` element; `id` names it in the page.
    pub fn render(&self, id: &str) -> String {
        let (w, h) = (self.width, self.height);
        let legend_rows = self.legend.len().div_ceil(3);
        let right_margin = if self.right.is_some() { 56.0 } else { 16.0 };
        let (left, right, top) = (self.left, right_margin, 30.0);
        let bottom = 44.0 + 18.0 * legend_rows as f64;
        let (pw, ph) = (w - left - right, h - top - bottom);
        let px = |v: f64| left + self.x.frac(v).clamp(0.0, 1.0) * pw;
        let py = |v: f64| top + (1.0 - self.y.frac(v).clamp(0.0, 1.0)) * ph;
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart\" viewBox=\"0 0 {w} {h}\" \
             width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
            esc(id),
            esc(&self.title),
            esc(&self.title)
        );
        let _ = write!(
            s,
            "<text x=\"{left}\" y=\"18\" class=\"title\">{}</text>",
            esc(&self.title)
        );
        // Grid and ticks.
        for (v, label) in &self.y.ticks {
            let y = py(*v);
            let _ = write!(
                s,
                "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                left + pw,
                left - 6.0,
                y + 4.0,
                esc(label)
            );
        }
        for (v, label) in &self.x.ticks {
            let x = px(*v);
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{:.1}\" class=\"grid\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                top + ph,
                top + ph + 16.0,
                esc(label)
            );
        }
        let _ = write!(
            s,
            "<rect x=\"{left}\" y=\"{top}\" width=\"{pw:.1}\" height=\"{ph:.1}\" class=\"frame\"/>"
        );
        let pyr = |v: f64| {
            let a = self.right.as_ref().unwrap_or(&self.y);
            top + (1.0 - a.frac(v).clamp(0.0, 1.0)) * ph
        };
        for m in &self.marks {
            match m {
                Mark::RightLine {
                    points,
                    colour,
                    step,
                    dashed,
                } => {
                    let line = Mark::Line {
                        points: points.clone(),
                        colour: colour.clone(),
                        step: *step,
                        dashed: *dashed,
                    };
                    self.mark(&mut s, &line, &px, &pyr);
                }
                _ => self.mark(&mut s, m, &px, &py),
            }
        }
        if let Some(r) = &self.right {
            for (v, label) in &r.ticks {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"start\">{}</text>",
                    left + pw + 6.0,
                    pyr(*v) + 4.0,
                    esc(label)
                );
            }
            let _ = write!(
                s,
                "<text transform=\"translate({:.1} {:.1}) rotate(90)\" class=\"axis\" \
                 text-anchor=\"middle\">{}</text>",
                w - 14.0,
                top + ph / 2.0,
                esc(&r.label)
            );
        }
        // Axis labels.
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\">{}</text>\
             <text transform=\"translate(14 {:.1}) rotate(-90)\" class=\"axis\" \
             text-anchor=\"middle\">{}</text>",
            left + pw / 2.0,
            top + ph + 34.0,
            esc(&self.x.label),
            top + ph / 2.0,
            esc(&self.y.label)
        );
        for (i, (c, label, dashed)) in self.legend.iter().enumerate() {
            let (col, row) = (i % 3, i / 3);
            let x = left + col as f64 * (pw / 3.0);
            let y = top + ph + 52.0 + row as f64 * 18.0;
            let dash = if *dashed {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" \
                 stroke-width=\"3\"{dash}/><text x=\"{:.1}\" y=\"{y:.1}\" class=\"legend\">{}</text>",
                x + 18.0,
                y - 4.0,
                y - 4.0,
                esc(c),
                x + 24.0,
                esc(label)
            );
        }
        s.push_str("</svg>");
        s
    }

    fn mark(&self, s: &mut String, m: &Mark, px: &dyn Fn(f64) -> f64, py: &dyn Fn(f64) -> f64) {
        match m {
            // Drawn by `render` as a line against the right axis.
            Mark::RightLine { .. } => {}
            Mark::Line {
                points,
                colour,
                step,
                dashed,
            } => {
                if points.is_empty() {
                    return;
                }
                let mut d = String::new();
                let mut last: Option<(f64, f64)> = None;
                for &(x, y) in points {
                    let (cx, cy) = (px(x), py(y));
                    match last {
                        None => {
                            let _ = write!(d, "M{cx:.1} {cy:.1}");
                        }
                        Some(_) if *step => {
                            let _ = write!(d, "H{cx:.1}V{cy:.1}");
                        }
                        Some(_) => {
                            let _ = write!(d, "L{cx:.1} {cy:.1}");
                        }
                    }
                    last = Some((cx, cy));
                }
                let dash = if *dashed {
                    " stroke-dasharray=\"5 3\""
                } else {
                    ""
                };
                let _ = write!(
                    s,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash}/>",
                    esc(colour)
                );
            }
            Mark::Bars { bars, colour } => {
                let _ = write!(s, "<g fill=\"{}\" opacity=\"0.55\">", esc(colour));
                for &(x0, x1, h) in bars {
                    if h <= 0.0 {
                        continue;
                    }
                    let (a, b, top, base) = (px(x0), px(x1), py(h), py(self.y.min));
                    let _ = write!(
                        s,
                        "<rect x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                        (b - a).max(0.5),
                        (base - top).max(0.0)
                    );
                }
                s.push_str("</g>");
            }
            Mark::Span {
                rect: (x0, x1, y0, y1),
                colour,
                title,
            } => {
                let (a, b, t, u) = (px(*x0), px(*x1), py(*y1), py(*y0));
                let _ = write!(
                    s,
                    "<rect x=\"{a:.1}\" y=\"{t:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" \
                     opacity=\"0.7\"><title>{}</title></rect>",
                    (b - a).max(1.5),
                    (u - t).max(1.0),
                    esc(colour),
                    esc(title)
                );
            }
            Mark::Point {
                at: (x, y),
                x_range,
                y_range,
                colour,
                label,
                triangle,
                label_dy,
            } => {
                let (cx, cy) = (px(*x), py(*y));
                let c = esc(colour);
                if let Some((lo, hi)) = x_range {
                    let _ = write!(
                        s,
                        "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{cy:.1}\" y2=\"{cy:.1}\" stroke=\"{c}\"/>",
                        px(*lo),
                        px(*hi)
                    );
                }
                if let Some((lo, hi)) = y_range {
                    let _ = write!(
                        s,
                        "<line x1=\"{cx:.1}\" x2=\"{cx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{c}\"/>",
                        py(*lo),
                        py(*hi)
                    );
                }
                if *triangle {
                    let _ = write!(
                        s,
                        "<path d=\"M{cx:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{c}\"><title>{}</title></path>",
                        cy - 6.0,
                        cx - 5.0,
                        cy + 4.0,
                        cx + 5.0,
                        cy + 4.0,
                        esc(label)
                    );
                } else {
                    // Near the right edge the label goes to the marker's left.
                    let right = cx > px(self.x.max) - 120.0;
                    let (tx, anchor) = if right {
                        (cx - 7.0, "end")
                    } else {
                        (cx + 7.0, "start")
                    };
                    let _ = write!(
                        s,
                        "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4.5\" fill=\"{c}\"><title>{}</title></circle>\
                         <text x=\"{tx:.1}\" y=\"{:.1}\" class=\"label\" text-anchor=\"{anchor}\">{}</text>",
                        esc(label),
                        cy - 6.0 + label_dy,
                        esc(label)
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        let t: Vec<String> = nice_ticks(0.0, 1.0, 5, &|v| format!("{v:.1}"))
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(t, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(nice_ticks(0.0, 37.0, 5, &|v| format!("{v}")).len(), 4);
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let mut c = Chart::new(
            "<script>alert(1)</script>",
            400.0,
            300.0,
            Axis::linear(0.0, 1.0, "x \"q\"", &|v| format!("{v}")),
            Axis::linear(0.0, 1.0, "y", &|v| format!("{v}")),
        );
        c.legend.push(("red".into(), "<b>".into(), false));
        c.marks.push(Mark::Point {
            at: (0.5, 0.5),
            x_range: None,
            y_range: None,
            colour: "red".into(),
            label: "a<img src=x onerror=1>".into(),
            triangle: false,
            label_dy: 0.0,
        });
        let svg = c.render("id\"x");
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<img"));
        assert!(svg.contains("&lt;script&gt;") && svg.contains("id&quot;x"));
    }
}
