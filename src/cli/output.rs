//! Standard output as every subcommand writes it. A reader that closes the pipe early
//! (`tokhyg rules list | head`) has ended the output on purpose: the rest is discarded, and the
//! command finishes and exits as it would have, without an error message.

use std::io::{self, Write};

/// Standard output, locked, that treats a closed pipe as the normal end of the output.
#[derive(Debug)]
pub struct Stdout {
    inner: io::StdoutLock<'static>,
    closed: bool,
}

/// Standard output for a subcommand's results (see [`Stdout`]).
pub fn stdout() -> Stdout {
    Stdout {
        inner: io::stdout().lock(),
        closed: false,
    }
}

/// Whether `error` says that the reader of a pipe went away.
pub fn is_closed_pipe(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

impl Stdout {
    /// Runs a write unless the pipe was closed; a closed pipe makes it (and every later one) a
    /// success that writes nothing.
    fn unless_closed<T>(
        &mut self,
        unwritten: T,
        write: impl FnOnce(&mut io::StdoutLock<'static>) -> io::Result<T>,
    ) -> io::Result<T> {
        if self.closed {
            return Ok(unwritten);
        }
        match write(&mut self.inner) {
            Err(error) if is_closed_pipe(&error) => {
                self.closed = true;
                Ok(unwritten)
            }
            result => result,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.unless_closed(buf.len(), |out| out.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.unless_closed((), |out| out.flush())
    }
}
