//! Draws the interactive generator: the token large in a box, the strength meter, the length
//! slider, the toggles, and the keys. Wide terminals get the toggles on one row; narrow ones
//! (a phone's SSH client) stack every control on its own line. Records where the clickable
//! controls are in the state's [`HitMap`].

use super::state::{Editing, HitMap, State, Toggle};
use crate::token::spec::{Format, MIN_SECURE_BITS};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Below this width the controls stack vertically.
pub const NARROW: u16 = 60;

/// Bits the strength meter spans.
const METER_BITS: f64 = 256.0;

/// Draws `state` on the whole frame.
pub fn draw(frame: &mut Frame<'_>, state: &mut State) {
    let area = frame.area();
    let narrow = area.width < NARROW;
    let inner_width = area.width.saturating_sub(2).max(1);
    let token_rows = (state.token.chars().count() as u16)
        .div_ceil(inner_width)
        .clamp(1, 8);
    let token_area = Rect::new(area.x, area.y, area.width, token_rows + 2);
    let token_text = if let Some(error) = &state.error {
        Line::from(Span::styled(error.clone(), Style::default().fg(Color::Red)))
    } else {
        Line::from(Span::styled(
            state.token.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ))
    };
    frame.render_widget(
        Paragraph::new(token_text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" tokhyg generate "),
        ),
        token_area,
    );

    let mut hits = HitMap::default();
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut y = token_area.y + token_area.height;
    let label = |text: &str| Span::styled(format!("{text:<10}"), Style::default().fg(Color::Cyan));

    // Strength.
    let meter_width = area.width.saturating_sub(32).clamp(8, 32);
    let mut meter = meter_line(state.bits, meter_width);
    meter.insert(0, label("strength"));
    meter.push(Span::raw(format!(" {:.1} bits ", state.bits)));
    meter.push(Span::styled(
        state.strength_word(),
        Style::default().fg(match state.strength_word() {
            "weak" => Color::Red,
            "ok" => Color::Yellow,
            _ => Color::Green,
        }),
    ));
    rows.push(Line::from(meter));

    // Length slider.
    let slider_width = area.width.saturating_sub(24).clamp(8, 48);
    let length_text = match &state.editing {
        Editing::Length(typed) => format!("{typed}_ (Enter)"),
        _ if !state.settings.has_length() => "fixed".to_string(),
        _ => state.settings.length.to_string(),
    };
    let bar: String = (0..slider_width)
        .map(|i| {
            if state.slider_filled(i, slider_width) {
                '='
            } else {
                '-'
            }
        })
        .collect();
    hits.slider = Rect::new(area.x + 11, y + rows.len() as u16, slider_width, 1);
    rows.push(Line::from(vec![
        label("length"),
        Span::raw("["),
        Span::styled(bar, Style::default().fg(Color::Blue)),
        Span::raw(format!("] {length_text}")),
    ]));

    // Toggles: one row when wide, one line each when narrow.
    let s = &state.settings;
    let format_name = s.format.map_or("classes", Format::name);
    let prefix = match &state.editing {
        Editing::Prefix(typed) => format!("{typed}_ (Enter)"),
        _ if s.prefix.is_empty() => "(none)".to_string(),
        _ => s.prefix.clone(),
    };
    let toggles = [
        (Toggle::Lower, "l", "lower", s.lower),
        (Toggle::Upper, "u", "upper", s.upper),
        (Toggle::Digits, "d", "digits", s.digits),
        (Toggle::Symbols, "s", "symbols", s.symbols),
        (Toggle::NoAmbiguous, "n", "no look-alikes", s.no_ambiguous),
        (Toggle::EachClass, "e", "each class", s.each_class),
        (Toggle::Checksum, "k", "checksum", s.checksum),
        (Toggle::Auto, "a", "auto-regenerate", state.auto),
    ];
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut x = area.x;
    for (toggle, key, name, on) in toggles {
        let text = format!("[{}] {name} ({key})", if on { 'x' } else { ' ' });
        let width = text.chars().count() as u16;
        if narrow || x + width > area.x + area.width {
            if !row.is_empty() {
                rows.push(Line::from(std::mem::take(&mut row)));
            }
            x = area.x;
        }
        hits.toggles
            .push((Rect::new(x, y + rows.len() as u16, width, 1), toggle));
        let style = if on {
            Style::default().fg(Color::Green)
        } else {
            Style::default()
        };
        row.push(Span::styled(text, style));
        row.push(Span::raw("  "));
        x += width + 2;
    }
    rows.push(Line::from(std::mem::take(&mut row)));
    let format_text = format!("format: {format_name} (f)");
    hits.toggles.push((
        Rect::new(area.x, y + rows.len() as u16, format_text.len() as u16, 1),
        Toggle::Format,
    ));
    if narrow {
        rows.push(Line::from(format_text));
        rows.push(Line::from(format!("prefix: {prefix} (p)")));
    } else {
        rows.push(Line::from(format!("{format_text}    prefix: {prefix} (p)")));
    }

    // Status: the question being asked, a notice, or the warning.
    let status = match &state.editing {
        Editing::Name(name) => format!("write to .env: variable name? {name}_"),
        Editing::File(name, file) => format!("write {name} into which file? {file}_"),
        Editing::Policy(name, file) => {
            format!("if {name} is already in {file}: (r)otate, (f)orce, (n)o [n]")
        }
        _ => state
            .notice
            .clone()
            .or_else(|| state.warning())
            .unwrap_or_default(),
    };
    rows.push(Line::from(Span::styled(
        status,
        Style::default().fg(Color::Yellow),
    )));
    rows.push(Line::from(Span::styled(
        "space/r regenerate  c copy  w write .env  b 128/256 bits  \u{2190}\u{2192} PgUp/PgDn Home/End or digits: length  q quit",
        Style::default().add_modifier(Modifier::DIM),
    )));

    y = token_area.y + token_area.height;
    let rest = Rect::new(
        area.x,
        y,
        area.width,
        area.height.saturating_sub(y - area.y),
    );
    frame.render_widget(Paragraph::new(rows).wrap(Wrap { trim: false }), rest);
    state.hits = hits;
}

/// The strength meter: filled up to the bits (of 256), the 128-bit minimum marked with `|`.
fn meter_line(bits: f64, width: u16) -> Vec<Span<'static>> {
    let filled = ((bits / METER_BITS).min(1.0) * f64::from(width)).round() as u16;
    let mark = ((MIN_SECURE_BITS / METER_BITS) * f64::from(width)).round() as u16;
    let mut bar = String::new();
    for i in 0..width {
        bar.push(if i == mark {
            '|'
        } else if i < filled {
            '#'
        } else {
            '.'
        });
    }
    let color = if bits < MIN_SECURE_BITS {
        Color::Red
    } else {
        Color::Green
    };
    vec![
        Span::raw("["),
        Span::styled(bar, Style::default().fg(color)),
        Span::raw("]"),
    ]
}
