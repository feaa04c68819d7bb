//! Name and label validation. PLACEHOLDER: being written.
