//! `--split-input-file`: cut the input into chunks at lines holding only the split marker
//! (`// -----`), each processed on its own, keeping the original file's line numbers.

/// One chunk of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub text: &'a str,
    /// Number of lines of the file before the chunk: chunk line `n` is file line `n + line_offset`.
    pub line_offset: u32,
}

/// The whole input as one chunk.
pub fn whole(source: &str) -> Vec<Chunk<'_>> {
    vec![Chunk {
        text: source,
        line_offset: 0,
    }]
}

/// Splits `source` at every line whose text, without surrounding whitespace, is `marker`. The
/// marker lines belong to no chunk.
pub fn split<'a>(source: &'a str, marker: &str) -> Vec<Chunk<'a>> {
    let mut chunks = Vec::new();
    let mut chunk_start = 0usize;
    let mut chunk_line = 0u32;
    let mut line_start = 0usize;
    let mut line_no = 0u32; // 0-based number of the current line
    while line_start <= source.len() {
        let line_end = source[line_start..]
            .find('\n')
            .map_or(source.len(), |i| line_start + i);
        let next = line_end + 1;
        if source[line_start..line_end].trim() == marker {
            chunks.push(Chunk {
                text: &source[chunk_start..line_start],
                line_offset: chunk_line,
            });
            chunk_start = next.min(source.len());
            chunk_line = line_no + 1;
        }
        if line_end >= source.len() {
            break;
        }
        line_start = next;
        line_no += 1;
    }
    chunks.push(Chunk {
        text: &source[chunk_start..],
        line_offset: chunk_line,
    });
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_marker_lines_and_keeps_line_numbers() {
        let src = "a\nb\n// -----\nc\n  // -----  \nd\ne";
        let chunks = split(src, "// -----");
        assert_eq!(
            chunks,
            vec![
                Chunk {
                    text: "a\nb\n",
                    line_offset: 0
                },
                Chunk {
                    text: "c\n",
                    line_offset: 3
                },
                Chunk {
                    text: "d\ne",
                    line_offset: 5
                },
            ]
        );
    }

    #[test]
    fn markers_inside_lines_or_longer_do_not_split() {
        let src = "x // -----\n// ------\n// -----x\n";
        assert_eq!(split(src, "// -----").len(), 1);
    }

    #[test]
    fn edge_cases() {
        assert_eq!(
            split("", "// -----"),
            vec![Chunk {
                text: "",
                line_offset: 0
            }]
        );
        assert_eq!(
            split("// -----", "// -----"),
            vec![
                Chunk {
                    text: "",
                    line_offset: 0
                },
                Chunk {
                    text: "",
                    line_offset: 1
                }
            ]
        );
        assert_eq!(
            split("a\n// -----\n", "// -----"),
            vec![
                Chunk {
                    text: "a\n",
                    line_offset: 0
                },
                Chunk {
                    text: "",
                    line_offset: 2
                }
            ]
        );
        assert_eq!(
            split("a\r\n// -----\r\nb", "// -----")[1],
            Chunk {
                text: "b",
                line_offset: 2
            }
        );
    }
}
