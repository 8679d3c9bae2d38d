//! Signal processing: DFT, STFT, MelWeightMatrix and the Hann / Hamming / Blackman windows.

use super::util::{DYN, TensorInfo};
use super::{Infer, R};
use crate::dtype::{DType, from_onnx_attr};

/// What a DFT's `dft_length` operand says.
enum DftLength {
    Absent,
    Known(i64),
    Unknown,
}

impl Infer<'_> {
    /// The first value of integer constant operand `i`.
    fn const_scalar(&self, i: usize) -> Option<i64> {
        self.const_ints(i)?.first().copied()
    }

    /// `output_datatype` (default float): a non-bool element type.
    fn output_datatype(&self) -> Result<DType, String> {
        let code = self.attrs.int("output_datatype", 1)?;
        match from_onnx_attr(code) {
            Some(d) if d != DType::Bool => Ok(d),
            _ => Err(format!(
                "attribute 'output_datatype' is {code}, not a numeric data type flow supports"
            )),
        }
    }

    pub(super) fn dft(&self) -> R {
        let x = self.t(0)?;
        let inverse = self.attrs.flag("inverse", false)?;
        let onesided = self.attrs.flag("onesided", false)?;
        self.expect_scalar(1)?;
        self.expect_scalar(2)?;
        // The axis operand (default -2; an attribute before opset 20, which the importer
        // rewrites); `None` when it is not a constant.
        let axis = if self.opt(2).is_some() {
            self.const_scalar(2)
        } else {
            Some(-2)
        };
        let len = match self.opt(1) {
            None => DftLength::Absent,
            Some(_) => match self.const_scalar(1) {
                Some(n) if n <= 0 => {
                    return Err(format!("dft_length must be positive, but is {n}"));
                }
                Some(n) => DftLength::Known(n),
                None => DftLength::Unknown,
            },
        };
        let Some(xd) = x.dims() else {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        let r = xd.len();
        if r < 2 {
            return Err(format!(
                "expects an input of rank at least 2 (signal dimensions, then 1 or 2 for the real and imaginary parts), but got {x}"
            ));
        }
        let last = xd[r - 1];
        if last >= 0 {
            if last != 1 && last != 2 {
                return Err(format!(
                    "the last dimension of the input {x} must be 1 (real) or 2 (complex)"
                ));
            }
            if onesided && !inverse && last != 1 {
                return Err(format!(
                    "a one-sided DFT needs a real input (last dimension 1), but got {x}"
                ));
            }
            if onesided && inverse && last != 2 {
                return Err(format!(
                    "an inverse one-sided DFT needs a complex input (last dimension 2), but got {x}"
                ));
            }
        }
        let mut out = xd.to_vec();
        out[r - 1] = if onesided && inverse { 1 } else { 2 };
        let Some(a) = axis else {
            // Which dimension changes is unknown.
            if onesided || !matches!(len, DftLength::Absent) {
                for d in &mut out[..r - 1] {
                    *d = DYN;
                }
            }
            return Ok(vec![TensorInfo::ranked(x.dt, out)]);
        };
        let ri = r as i64;
        if a < -ri || a == -1 || a >= ri - 1 {
            return Err(format!(
                "axis {a} is out of range for rank {r} (the last dimension holds the real and imaginary parts)"
            ));
        }
        let ai = if a < 0 { a + ri } else { a } as usize;
        let d = xd[ai];
        out[ai] = match len {
            DftLength::Known(n) if onesided && !inverse => n / 2 + 1,
            DftLength::Known(n) => n,
            DftLength::Unknown => DYN,
            DftLength::Absent if !onesided || d < 0 => d,
            DftLength::Absent if inverse => {
                if d == 0 {
                    return Err(format!(
                        "an inverse one-sided DFT of {x} along axis {a} has no input bins"
                    ));
                }
                (d - 1).checked_mul(2).ok_or("dimension overflows i64")?
            }
            DftLength::Absent => d / 2 + 1,
        };
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn stft(&self) -> R {
        let x = self.t(0)?;
        // ONNX's own shape inference defaults `onesided` to 0; the schema says 1.
        let onesided = self.attrs.flag("onesided", true)?;
        self.expect_rank(0, 3)?;
        self.expect_scalar(1)?;
        self.expect_scalar(3)?;
        if self.opt(2).is_some() {
            self.expect_rank(2, 1)?;
        }
        let step = self.const_scalar(1);
        if let Some(s) = step
            && s <= 0
        {
            return Err(format!("frame_step must be positive, but is {s}"));
        }
        let xd = x.dims().map_or_else(|| vec![DYN; 3], <[i64]>::to_vec);
        if xd[2] >= 0 && xd[2] != 1 && xd[2] != 2 {
            return Err(format!(
                "the last dimension of the signal {x} must be 1 (real) or 2 (complex)"
            ));
        }
        let window_len = self.opt(2).map(|w| w.dims().map_or(DYN, |d| d[0]));
        let frame = match (self.opt(3).map(|_| self.const_scalar(3)), window_len) {
            (Some(Some(f)), w) => {
                if let Some(w) = w
                    && w >= 0
                    && w != f
                {
                    return Err(format!(
                        "the window has {w} elements, but frame_length is {f}"
                    ));
                }
                f
            }
            (Some(None), _) => DYN,
            (None, Some(w)) => w,
            (None, None) => xd[1],
        };
        if frame == 0 || (frame < 0 && frame != DYN) {
            return Err(format!("the frame length must be positive, but is {frame}"));
        }
        let frames = match step {
            Some(s) if xd[1] >= 0 && frame >= 0 => {
                if frame > xd[1] {
                    return Err(format!(
                        "the frame length {frame} exceeds the signal length {}",
                        xd[1]
                    ));
                }
                (xd[1] - frame) / s + 1
            }
            _ => DYN,
        };
        let bins = match frame {
            f if f < 0 => DYN,
            f if onesided => f / 2 + 1,
            f => f,
        };
        Ok(vec![TensorInfo::ranked(x.dt, vec![xd[0], frames, bins, 2])])
    }

    pub(super) fn mel_weight_matrix(&self) -> R {
        for i in 0..5 {
            self.expect_scalar(i)?;
        }
        let dt = self.output_datatype()?;
        let mel = self.const_scalar(0);
        let dft = self.const_scalar(1);
        for (v, what) in [(mel, "num_mel_bins"), (dft, "dft_length")] {
            if let Some(v) = v
                && v < 0
            {
                return Err(format!("{what} must be non-negative, but is {v}"));
            }
        }
        if let Some(rate) = self.const_scalar(2)
            && rate <= 0
        {
            return Err(format!("sample_rate must be positive, but is {rate}"));
        }
        Ok(vec![TensorInfo::ranked(
            dt,
            vec![dft.map_or(DYN, |d| d / 2 + 1), mel.unwrap_or(DYN)],
        )])
    }

    /// HannWindow, HammingWindow, BlackmanWindow: a 1-D tensor of `size` elements.
    pub(super) fn window_fn(&self) -> R {
        self.expect_scalar(0)?;
        self.attrs.flag("periodic", true)?;
        let dt = self.output_datatype()?;
        let n = match self.const_scalar(0) {
            Some(s) if s <= 0 => {
                return Err(format!("size must be positive, but is {s}"));
            }
            Some(s) => s,
            None => DYN,
        };
        Ok(vec![TensorInfo::ranked(dt, vec![n])])
    }
}
