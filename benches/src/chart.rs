//! A bar chart (SVG) of each workload's speed relative to its baseline:
//! native where it was measured, else the reference server (in a guest:
//! QEMU's reference backend).

use crate::model::{Config, Results};
use plotters::prelude::*;
use std::path::Path;

const ROW: i32 = 22;
const LEFT: i32 = 300;
const WIDTH: i32 = 1000;
const TOP: i32 = 50;

/// Writes the chart of `results` to `path`.
pub fn write_svg(results: &Results, path: &Path) -> anyhow::Result<()> {
    let rows: Vec<(String, [Option<f64>; 2])> = results
        .workloads
        .iter()
        .map(|w| {
            // Bars: the reference and pv3d of the same kind (in a guest or not).
            let (pair, base) = if w.in_vm() {
                ([Config::VmReference, Config::VmPv3d], Config::VmReference)
            } else if w.summary(Config::Native).is_some() {
                ([Config::Reference, Config::Pv3d], Config::Native)
            } else {
                ([Config::Reference, Config::Pv3d], Config::Reference)
            };
            let label = format!("{} (vs {})", w.name, base.name());
            (label, pair.map(|c| w.speedup(c, base)))
        })
        .collect();
    let max = rows
        .iter()
        .flat_map(|r| r.1.iter().flatten())
        .fold(1.0f64, |m, v| m.max(*v))
        .min(10.0)
        .ceil();
    let height = TOP + ROW * rows.len() as i32 + 40;
    let root = SVGBackend::new(path, (WIDTH as u32, height as u32)).into_drawing_area();
    let err = |e: DrawingAreaErrorKind<_>| anyhow::anyhow!("drawing {}: {e:?}", path.display());
    root.fill(&WHITE).map_err(err)?;
    let font = ("sans-serif", 13).into_font();
    let x_of = |v: f64| LEFT + ((WIDTH - LEFT - 20) as f64 * v.min(max) / max) as i32;
    let colors = [(Config::Reference, BLUE), (Config::Pv3d, RED)];
    root.draw(&Text::new(
        "Speed relative to the baseline (> 1: faster); bars: reference (blue), pv3d (red)",
        (10, 10),
        ("sans-serif", 16).into_font(),
    ))
    .map_err(err)?;
    // Grid: every 0.5×, the 1× line darker.
    let mut tick = 0.0;
    while tick <= max {
        let x = x_of(tick);
        let style = if tick == 1.0 {
            BLACK
        } else {
            RGBColor(200, 200, 200)
        };
        root.draw(&PathElement::new(
            vec![(x, TOP - 5), (x, height - 35)],
            style.stroke_width(1),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            format!("{tick}×"),
            (x - 8, height - 30),
            font.clone(),
        ))
        .map_err(err)?;
        tick += 0.5;
    }
    for (i, (label, ratios)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as i32;
        root.draw(&Text::new(label.clone(), (10, y + 4), font.clone()))
            .map_err(err)?;
        for (j, ((_, color), ratio)) in colors.iter().zip(ratios).enumerate() {
            let Some(r) = ratio else { continue };
            let y0 = y + 2 + 9 * j as i32;
            root.draw(&Rectangle::new(
                [(LEFT, y0), (x_of(*r), y0 + 8)],
                color.filled(),
            ))
            .map_err(err)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}
