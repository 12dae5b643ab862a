//! Table handler: a GFM table when the table fits one; otherwise its cells as blocks.
//!
//! `colspan`/`rowspan` keep the grid: the spanned positions become empty cells. A table
//! whose cells hold block content (lists, code blocks, quotes, headings, nested tables)
//! cannot be a GFM table; it is written cell by cell, each cell's content as blocks, so no
//! text and no inner structure is lost. A table without a header row gets an empty one
//! (GFM requires it) rather than promoting a data row.

use super::out::{Block, Out, Ws};
use super::parse::{Data, Element, Id, Tag};
use super::walk::{Walker, is_hidden};

/// Beyond this many grid positions, spans are not expanded (fallback rendering).
const MAX_GRID_CELLS: usize = 100_000;

struct Row {
    cells: Vec<Id>,
    head: bool,
}

impl Walker<'_> {
    pub(super) fn table(&mut self, id: Id, ws: Ws) {
        let dom = self.dom;
        let mut rows: Vec<Row> = Vec::new();
        let mut captions: Vec<Id> = Vec::new();
        for child in dom.children(id) {
            let Some(el) = dom.element(child) else {
                continue;
            };
            if is_hidden(el) {
                continue;
            }
            match el.tag {
                Tag::Caption => captions.push(child),
                Tag::Tr => rows.push(self.row(child, false)),
                Tag::Thead | Tag::Tbody | Tag::Tfoot => {
                    for tr in dom.children(child) {
                        if dom
                            .element(tr)
                            .is_some_and(|e| e.tag == Tag::Tr && !is_hidden(e))
                        {
                            rows.push(self.row(tr, el.tag == Tag::Thead));
                        }
                    }
                }
                _ => {}
            }
        }
        for caption in captions {
            self.block(caption, ws);
        }
        rows.retain(|r| !r.cells.is_empty());
        if rows.is_empty() {
            return;
        }
        let blocky = rows
            .iter()
            .flat_map(|r| &r.cells)
            .any(|&c| self.has_block_content(c));
        let grid = if blocky { None } else { self.grid(&rows) };
        let Some(grid) = grid else {
            // Fallback: each cell's content as blocks, row after row.
            for row in &rows {
                for &cell in &row.cells {
                    self.block(cell, ws);
                }
            }
            return;
        };
        let columns = grid.iter().map(Vec::len).max().unwrap_or(0);
        let header_row = rows[0].head || rows[0].cells.iter().all(|&c| dom.tag(c) == Some(Tag::Th));
        let mut lines: Vec<String> = Vec::with_capacity(grid.len() + 2);
        let render_row = |this: &mut Self, cells: &[Option<Id>]| -> String {
            let mut line = String::from("|");
            for i in 0..columns {
                let text = match cells.get(i).copied().flatten() {
                    Some(cell) => this.cell_markdown(cell, ws),
                    None => String::new(),
                };
                line.push(' ');
                line.push_str(&text);
                line.push_str(" |");
            }
            line
        };
        let body_start = if header_row {
            let line = render_row(self, &grid[0]);
            lines.push(line);
            1
        } else {
            lines.push(format!("|{}", " |".repeat(columns)));
            0
        };
        let mut delimiter = String::from("|");
        for i in 0..columns {
            let align = grid[0]
                .get(i)
                .copied()
                .flatten()
                .and_then(|c| dom.element(c))
                .and_then(alignment);
            delimiter.push_str(match align {
                Some("left") => " :-- |",
                Some("center") => " :-: |",
                Some("right") => " --: |",
                _ => " --- |",
            });
        }
        lines.push(delimiter);
        for cells in &grid[body_start..] {
            let line = render_row(self, cells);
            lines.push(line);
        }
        self.out.block_boundary();
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                self.out.block_line(Block::Other, line);
            } else {
                self.out.newline(false);
                self.out.buf.push_str(line);
            }
        }
        self.out.block_boundary();
    }

    fn row(&self, tr: Id, head: bool) -> Row {
        let dom = self.dom;
        let cells = dom
            .children(tr)
            .filter(|&c| {
                dom.element(c)
                    .is_some_and(|e| matches!(e.tag, Tag::Td | Tag::Th) && !is_hidden(e))
            })
            .collect();
        Row { cells, head }
    }

    /// Lays the cells out on a grid, spans filled with empty positions.
    fn grid(&self, rows: &[Row]) -> Option<Vec<Vec<Option<Id>>>> {
        let dom = self.dom;
        let span = |c: Id, name: &str| -> usize {
            dom.element(c)
                .and_then(|e| e.attr(name))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1000)
        };
        let mut grid: Vec<Vec<Option<Id>>> = Vec::with_capacity(rows.len());
        // Remaining rows each column is still covered by a rowspan from above.
        let mut covered: Vec<usize> = Vec::new();
        let mut total = 0usize;
        for (r, row) in rows.iter().enumerate() {
            let mut line: Vec<Option<Id>> = Vec::new();
            let mut col = 0;
            let take_covered =
                |line: &mut Vec<Option<Id>>, col: &mut usize, covered: &mut Vec<usize>| {
                    while *col < covered.len() && covered[*col] > 0 {
                        covered[*col] -= 1;
                        line.push(None);
                        *col += 1;
                    }
                };
            for &cell in &row.cells {
                take_covered(&mut line, &mut col, &mut covered);
                let colspan = span(cell, "colspan");
                let rowspan = span(cell, "rowspan").min(rows.len() - r);
                for k in 0..colspan {
                    line.push(if k == 0 { Some(cell) } else { None });
                    if covered.len() <= col + k {
                        covered.resize(col + k + 1, 0);
                    }
                    covered[col + k] = rowspan - 1;
                }
                col += colspan;
            }
            while col < covered.len() {
                if covered[col] > 0 {
                    covered[col] -= 1;
                }
                line.push(None);
                col += 1;
            }
            total += line.len();
            if total > MAX_GRID_CELLS {
                return None;
            }
            grid.push(line);
        }
        Some(grid)
    }

    /// Whether a cell holds content a GFM cell cannot (lists, code blocks, quotes,
    /// headings, rules, tables).
    fn has_block_content(&self, cell: Id) -> bool {
        let dom = self.dom;
        let mut stack: Vec<Id> = dom.children(cell).collect();
        while let Some(id) = stack.pop() {
            if let Data::Element(el) = &dom.node(id).data {
                if is_hidden(el) {
                    continue;
                }
                match el.tag {
                    Tag::Ul
                    | Tag::Ol
                    | Tag::Pre
                    | Tag::Blockquote
                    | Tag::Table
                    | Tag::H(_)
                    | Tag::Hr
                    | Tag::Dl
                    | Tag::Li => return true,
                    Tag::Math if el.attr("display") == Some("block") => return true,
                    _ => stack.extend(dom.children(id)),
                }
            }
        }
        false
    }

    /// A cell's content on one line, pipes escaped.
    fn cell_markdown(&mut self, cell: Id, ws: Ws) -> String {
        let outer = std::mem::replace(&mut self.out, Out::cell());
        let outer_list = self.last_list.take();
        self.children(cell, ws);
        let cell_out = std::mem::replace(&mut self.out, outer);
        self.last_list = outer_list;
        cell_out.finish()
    }
}

fn alignment(el: &Element) -> Option<&'static str> {
    let from_style = el.attr("style").and_then(|s| {
        s.split(';').find_map(|decl| {
            let (prop, value) = decl.split_once(':')?;
            if !prop.trim().eq_ignore_ascii_case("text-align") {
                return None;
            }
            Some(value.trim().to_ascii_lowercase())
        })
    });
    let value = from_style.or_else(|| el.attr("align").map(|a| a.trim().to_ascii_lowercase()))?;
    match value.as_str() {
        "left" | "start" => Some("left"),
        "center" => Some("center"),
        "right" | "end" => Some("right"),
        _ => None,
    }
}
