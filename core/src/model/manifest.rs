//! Manifest decoding and printing.
