//! A loss curve as a standalone SVG: axes, ticks, labels and one polyline, with the loss
//! on a logarithmic scale, where steady progress shows as a straight descent.
//!
//! Written by hand rather than with `plotters` (0.3.7, `svg_backend` and `line_series`
//! only, no fonts; its naive font still writes `<text>`): that version was 66 lines
//! against 166, but added three crates and about 5 s to any clean build of the tests or
//! examples (a dev-dependency is built for all of them), rounded the curve to whole
//! pixels (a visible staircase), could not dash a line except as one polyline per dash,
//! and dropped the lowest decade's label.

use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 56.0;
/// More points than this are thinned out: the plot is 544 pixels wide.
const MAX_POINTS: usize = 600;

/// The plot of `losses[epoch]` against the epoch, with a dashed line at `target`.
/// Non-positive or non-finite losses, which a log scale cannot show, are left out.
pub fn loss_curve(losses: &[f64], target: f64, title: &str) -> String {
    let points: Vec<(f64, f64)> = losses
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_finite() && **l > 0.0)
        .map(|(epoch, &l)| (epoch as f64, l.log10()))
        .collect();
    let target = target.log10();
    let last_epoch = (losses.len().max(2) - 1) as f64;
    let (low, high) = points
        .iter()
        .fold((target, target), |(lo, hi), &(_, y)| (lo.min(y), hi.max(y)));
    // Whole decades, at least one, around the data.
    let (low, high) = if low.is_finite() {
        (low.floor(), high.ceil().max(low.floor() + 1.0))
    } else {
        (-2.0, 0.0)
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let px = |epoch: f64| LEFT + epoch / last_epoch * plot_w;
    let py = |log_loss: f64| TOP + (high - log_loss) / (high - low) * plot_h;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="15">{}</text>"#,
        LEFT + plot_w / 2.0,
        escape(title)
    );

    // Horizontal grid lines and labels, one per decade.
    let decades = (high - low) as i32;
    for k in 0..=decades {
        let exponent = low + f64::from(k);
        let y = py(exponent);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e2e8f0"/>"##,
            LEFT + plot_w
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 8.0,
            y + 4.0,
            decade_label(exponent)
        );
    }
    // Vertical ticks at round epochs.
    let step = tick_step(last_epoch);
    let mut epoch = 0.0;
    while epoch <= last_epoch + 1e-9 {
        let x = px(epoch);
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#334155"/>"##,
            TOP + plot_h,
            TOP + plot_h + 5.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{epoch}</text>"#,
            TOP + plot_h + 19.0
        );
        epoch += step;
    }
    // The axes.
    let _ = writeln!(
        svg,
        r##"<path d="M{LEFT},{TOP} V{:.1} H{:.1}" fill="none" stroke="#334155" stroke-width="1.5"/>"##,
        TOP + plot_h,
        LEFT + plot_w
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">epoch</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{:.1}" text-anchor="middle" transform="rotate(-90 16 {:.1})">mean loss (log scale)</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );

    // The target.
    let y = py(target);
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#dc2626" stroke-dasharray="6 4"/>"##,
        LEFT + plot_w
    );
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#dc2626">target</text>"##,
        LEFT + plot_w - 4.0,
        y - 6.0
    );

    // The curve.
    let stride = points.len().div_ceil(MAX_POINTS).max(1);
    let mut polyline = String::new();
    for (k, &(epoch, log_loss)) in points.iter().enumerate() {
        if k % stride == 0 || k + 1 == points.len() {
            let _ = write!(polyline, "{:.1},{:.1} ", px(epoch), py(log_loss));
        }
    }
    let _ = writeln!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#2563eb" stroke-width="2"/>"##,
        polyline.trim_end()
    );
    svg.push_str("</svg>\n");
    svg
}

/// A round step (1, 2 or 5 times a power of ten) giving at most about eight ticks.
fn tick_step(span: f64) -> f64 {
    let raw = (span / 8.0).max(1.0);
    let power = 10_f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * power)
}

/// `1`, `0.1`, `0.01`, `0.001`, then `1e-4` and below; `10`, `100`, then `1e3` and above.
fn decade_label(exponent: f64) -> String {
    let e = exponent as i32;
    if (-3..=2).contains(&e) {
        format!("{}", 10_f64.powi(e))
    } else {
        format!("1e{e}")
    }
}

/// Text made safe for an XML text node.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
