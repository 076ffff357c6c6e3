;; The block path of torch.randn (randn.ts, normal_fill_16.ts) in WebAssembly SIMD128, bit for
;; bit: MT19937 words to float32 uniforms, and torch's AVX2 Box-Muller over 16 of them.
;; scripts/build_wasm.ts compiles this file into randn_simd_binary.ts; randn_simd.ts
;; instantiates it, copies the engine's state in and out and the values out.
;;
;; How the float32 arithmetic is reproduced: the Box-Muller runs in f64x2 lanes (one lane per
;; pair of outputs) holding float32 values. A float32 operation is the f64 operation (exact for
;; a product of two float32 values, correctly rounded otherwise) rounded to float32:
;; (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero x)) is Math.fround(x) of
;; normal_fill_16.ts, itself one float32 instruction of torch's kernel. A fused multiply-add
;; is that rounding of (f64x2.add (f64x2.mul a b) c), as `fused` there: exact product, one
;; float64 rounding that never misleads the float32 one for these operands (the exhaustive
;; test). wasm never fuses operations on its own. The roundings are written out rather than
;; called: V8 (11.3) does not inline wasm calls, and the calls halved the speed.
;;
;; Constants are immutable globals rather than v128.const operands (see normal_simd.wat: V8
;; loads a global with one instruction).
(module
  ;; One 64 KiB page, never grown: the state at 0, the values in chunks (randn_simd.ts).
  (memory (export "memory") 1)

  ;; MT19937 (mt19937.ts)
  (global $lowBits24 v128 (v128.const i32x4 0xffffff 0xffffff 0xffffff 0xffffff))
  (global $temperB v128 (v128.const i32x4 0x9d2c5680 0x9d2c5680 0x9d2c5680 0x9d2c5680))
  (global $temperC v128 (v128.const i32x4 0xefc60000 0xefc60000 0xefc60000 0xefc60000))
  (global $twoToMinus24 v128 (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24))

  ;; log256_ps: exponent and mantissa of 1 - u as float64 bits
  (global $mantissa52 v128 (v128.const i64x2 0x000fffffffffffff 0x000fffffffffffff))
  (global $exponentHalf v128 (v128.const i64x2 0x3fe0000000000000 0x3fe0000000000000))
  (global $twoTo52Bits v128 (v128.const i64x2 0x4330000000000000 0x4330000000000000))
  ;; 2^52 + 1022: (2^52 + biased exponent) - this is the kernel's exponent e
  (global $twoTo52Plus1022 v128 (v128.const f64x2 0x1.00000000003fep52 0x1.00000000003fep52))
  (global $one v128 (v128.const f64x2 1 1))
  (global $half v128 (v128.const f64x2 0.5 0.5))
  (global $minusTwo v128 (v128.const f64x2 -2 -2))
  (global $zero v128 (v128.const f64x2 0 0))
  (global $sqrtHalf v128 (v128.const f64x2 0x1.6a09e6p-1 0x1.6a09e6p-1))
  (global $logP0 v128 (v128.const f64x2 0x1.204376p-4 0x1.204376p-4))
  (global $logP1 v128 (v128.const f64x2 -0x1.d7a37p-4 -0x1.d7a37p-4))
  (global $logP2 v128 (v128.const f64x2 0x1.de4a34p-4 0x1.de4a34p-4))
  (global $logP3 v128 (v128.const f64x2 -0x1.fcba9ep-4 -0x1.fcba9ep-4))
  (global $logP4 v128 (v128.const f64x2 0x1.23d37ep-3 0x1.23d37ep-3))
  (global $logP5 v128 (v128.const f64x2 -0x1.555cap-3 -0x1.555cap-3))
  (global $logP6 v128 (v128.const f64x2 0x1.999d58p-3 0x1.999d58p-3))
  (global $logP7 v128 (v128.const f64x2 -0x1.fffff8p-3 -0x1.fffff8p-3))
  (global $logP8 v128 (v128.const f64x2 0x1.555554p-2 0x1.555554p-2))
  (global $logQ1 v128 (v128.const f64x2 -0x1.bd0106p-13 -0x1.bd0106p-13))
  (global $logQ2 v128 (v128.const f64x2 0x1.63p-1 0x1.63p-1))

  ;; sincos256_ps
  (global $twoPi v128 (v128.const f64x2 0x1.921fb6p2 0x1.921fb6p2))
  (global $fourOverPi v128 (v128.const f64x2 0x1.45f306p0 0x1.45f306p0))
  (global $minusDp1 v128 (v128.const f64x2 -0x1.92p-1 -0x1.92p-1))
  (global $minusDp2 v128 (v128.const f64x2 -0x1.fb4p-13 -0x1.fb4p-13))
  (global $minusDp3 v128 (v128.const f64x2 -0x1.4442d2p-25 -0x1.4442d2p-25))
  (global $sinP0 v128 (v128.const f64x2 -0x1.9943f2p-13 -0x1.9943f2p-13))
  (global $sinP1 v128 (v128.const f64x2 0x1.11073cp-7 0x1.11073cp-7))
  (global $sinP2 v128 (v128.const f64x2 -0x1.555546p-3 -0x1.555546p-3))
  (global $cosP0 v128 (v128.const f64x2 0x1.99eb9cp-16 0x1.99eb9cp-16))
  (global $cosP1 v128 (v128.const f64x2 -0x1.6c0c34p-10 -0x1.6c0c34p-10))
  (global $cosP2 v128 (v128.const f64x2 0x1.55554ap-5 0x1.55554ap-5))
  (global $signBit v128 (v128.const i64x2 0x8000000000000000 0x8000000000000000))

  ;; Mt19937.twist: the 624 state words at address 0, in place, in three runs so that no index
  ;; wraps: j + 397 for j < 227, j - 227 after, and the last word pairs with word 0.
  (func $twist
    (local $j i32)
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $j) (i32.const 623)))
        (i32.store (i32.shl (local.get $j) (i32.const 2))
          (call $twisted
            (i32.load (i32.shl (local.get $j) (i32.const 2)))
            (i32.load (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 2)))
            (i32.load (i32.shl
              (select
                (i32.add (local.get $j) (i32.const 397))
                (i32.sub (local.get $j) (i32.const 227))
                (i32.lt_u (local.get $j) (i32.const 227)))
              (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $words)))
    (i32.store (i32.const 2492)
      (call $twisted (i32.load (i32.const 2492)) (i32.load (i32.const 0)) (i32.load (i32.const 1584)))))

  ;; One new state word: far ^ ((upper bit of word, lower 31 of next) >>> 1) ^ (next odd ? MATRIX_A : 0).
  (func $twisted (param $word i32) (param $next i32) (param $far i32) (result i32)
    (i32.xor
      (i32.xor
        (local.get $far)
        (i32.shr_u
          (i32.or
            (i32.and (local.get $word) (i32.const 0x80000000))
            (i32.and (local.get $next) (i32.const 0x7fffffff)))
          (i32.const 1)))
      (i32.and (i32.sub (i32.const 0) (i32.and (local.get $next) (i32.const 1))) (i32.const 0x9908b0df))))

  ;; MT19937's tempering of 4 words, then uniformFloat: (word & 0xffffff) * 2^-24.
  (func $uniforms4 (param $words v128) (result v128)
    (local $y v128)
    (local.set $y (local.get $words))
    (local.set $y (v128.xor (local.get $y) (i32x4.shr_u (local.get $y) (i32.const 11))))
    (local.set $y (v128.xor (local.get $y) (v128.and (i32x4.shl (local.get $y) (i32.const 7)) (global.get $temperB))))
    (local.set $y (v128.xor (local.get $y) (v128.and (i32x4.shl (local.get $y) (i32.const 15)) (global.get $temperC))))
    (local.set $y (v128.xor (local.get $y) (i32x4.shr_u (local.get $y) (i32.const 18))))
    (f32x4.mul (f32x4.convert_i32x4_u (v128.and (local.get $y) (global.get $lowBits24))) (global.get $twoToMinus24)))

  ;; count uniform floats from the state at 0, whose next word is index (624: twist first), to
  ;; address out; returns the next index. Four words at a time while four are left before a
  ;; twist, one at a time up to it (the lanes beyond the fourth are computed and not stored).
  (func (export "uniforms") (param $index i32) (param $out i32) (param $count i32) (result i32)
    (local $run i32) (local $end i32)
    (block $done
      (loop $runs
        (br_if $done (i32.eqz (local.get $count)))
        (if (i32.eq (local.get $index) (i32.const 624))
          (then
            (call $twist)
            (local.set $index (i32.const 0))))
        ;; run = min(count, 624 - index) words before the next twist
        (local.set $run (select
          (local.get $count)
          (i32.sub (i32.const 624) (local.get $index))
          (i32.lt_u (local.get $count) (i32.sub (i32.const 624) (local.get $index)))))
        (local.set $count (i32.sub (local.get $count) (local.get $run)))
        (local.set $end (i32.add (local.get $index) (local.get $run)))
        (block $fours
          (loop $four
            (br_if $fours (i32.gt_u (i32.add (local.get $index) (i32.const 4)) (local.get $end)))
            (v128.store (local.get $out) (call $uniforms4 (v128.load (i32.shl (local.get $index) (i32.const 2)))))
            (local.set $index (i32.add (local.get $index) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $four)))
        (block $ones
          (loop $one
            (br_if $ones (i32.ge_u (local.get $index) (local.get $end)))
            (f32.store (local.get $out)
              (f32x4.extract_lane 0 (call $uniforms4 (v128.load32_zero (i32.shl (local.get $index) (i32.const 2))))))
            (local.set $index (i32.add (local.get $index) (i32.const 1)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (br $one)))
        (br $runs)))
    (local.get $index))

  ;; normalFill16 on blocks of 16 uniforms from address, in place: lanes (k, k + 1) of each
  ;; block with their partners (k + 8, k + 9), k = 0, 2, 4, 6.
  (func (export "normals") (param $address i32) (param $blocks i32)
    (local $end i32) (local $lane i32)
    (local.set $end (i32.add (local.get $address) (i32.shl (local.get $blocks) (i32.const 6))))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $address) (local.get $end)))
        (local.set $lane (local.get $address))
        (call $boxMuller (local.get $lane))
        (call $boxMuller (i32.add (local.get $lane) (i32.const 8)))
        (call $boxMuller (i32.add (local.get $lane) (i32.const 16)))
        (call $boxMuller (i32.add (local.get $lane) (i32.const 24)))
        (local.set $address (i32.add (local.get $address) (i32.const 64)))
        (br $block))))

  ;; normalFill16's lanes k, k + 1 at address (u1) with their partners 32 bytes on (u2):
  ;; boxMullerRadius and boxMullerCosSin (normal_fill_16.ts), the products stored in place.
  (func $boxMuller (param $address i32)
    (local $radius v128) (local $theta v128) (local $octant v128) (local $octantF v128)
    (local $x v128) (local $z v128) (local $cosine v128) (local $sine v128)
    (local $swapped v128) (local $sinTheta v128) (local $cosTheta v128)
    (local.set $radius (call $radius
      (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $address)))))
    (local.set $theta (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (global.get $twoPi)
      (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 (local.get $address)))))))
    ;; the even octant j nearest theta 4/pi from above, as in Cephes: (trunc + 1) & ~1
    (local.set $octant (v128.and
      (i32x4.add (i32x4.trunc_sat_f64x2_s_zero (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $theta) (global.get $fourOverPi)))))
        (v128.const i32x4 1 1 0 0))
      (v128.const i32x4 -2 -2 0 0)))
    (local.set $octantF (f64x2.convert_low_i32x4_s (local.get $octant)))
    (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $octantF) (global.get $minusDp1)) (local.get $theta)))))
    (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (global.get $minusDp2) (local.get $octantF)) (local.get $x)))))
    (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $octantF) (global.get $minusDp3)) (local.get $x)))))
    (local.set $z (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $x) (local.get $x)))))
    (local.set $cosine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (global.get $cosP0) (local.get $z)) (global.get $cosP1)))))
    (local.set $cosine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $cosine) (local.get $z)) (global.get $cosP2)))))
    (local.set $cosine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $z) (local.get $cosine)))))
    (local.set $cosine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $z) (local.get $cosine)) (f64x2.neg (f64x2.mul (local.get $z) (global.get $half)))))))
    (local.set $cosine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (local.get $cosine) (global.get $one)))))
    (local.set $sine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (global.get $sinP0) (local.get $z)) (global.get $sinP1)))))
    (local.set $sine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $sine) (local.get $z)) (global.get $sinP2)))))
    (local.set $sine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $z) (local.get $sine)))))
    (local.set $sine (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $x) (local.get $sine)) (local.get $x)))))
    ;; octants 2 and 6 swap the polynomials; sin flips for j & 4, cos for (j - 2) & 4 == 0
    (local.set $swapped (i64x2.extend_low_i32x4_s
      (i32x4.ne (v128.and (local.get $octant) (v128.const i32x4 2 2 2 2)) (v128.const i32x4 0 0 0 0))))
    (local.set $sinTheta (v128.xor
      (v128.bitselect (local.get $cosine) (local.get $sine) (local.get $swapped))
      (v128.and (global.get $signBit) (i64x2.extend_low_i32x4_s
        (i32x4.ne (v128.and (local.get $octant) (v128.const i32x4 4 4 4 4)) (v128.const i32x4 0 0 0 0))))))
    (local.set $cosTheta (v128.xor
      (v128.bitselect (local.get $sine) (local.get $cosine) (local.get $swapped))
      (v128.and (global.get $signBit) (i64x2.extend_low_i32x4_s
        (i32x4.eq
          (v128.and (i32x4.sub (local.get $octant) (v128.const i32x4 2 2 2 2)) (v128.const i32x4 4 4 4 4))
          (v128.const i32x4 0 0 0 0))))))
    ;; radius * cos rounded to float32 by the demotion; + 0 turns -0 into +0 (fma(n, 1, 0))
    (v128.store64_lane 0 (local.get $address)
      (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $radius) (local.get $cosTheta)) (global.get $zero))))
    (v128.store64_lane offset=32 0 (local.get $address)
      (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $radius) (local.get $sinTheta)) (global.get $zero)))))

  ;; sqrt(-2 log256_ps(1 - u)) per lane (boxMullerRadius in normal_fill_16.ts): 1 - u = x0 2^e
  ;; with x0 in [1/2, 1) read from the float64 bits, then x0 < sqrt(1/2) ? (e - 1, 2 x0 - 1)
  ;; : (e, x0 - 1), all exact.
  (func $radius (param $u v128) (result v128)
    (local $oneMinus v128) (local $mantissa v128) (local $exponent v128) (local $small v128)
    (local $x v128) (local $z v128) (local $y v128)
    (local.set $oneMinus (f64x2.sub (global.get $one) (local.get $u)))
    (local.set $mantissa (v128.or (v128.and (local.get $oneMinus) (global.get $mantissa52)) (global.get $exponentHalf)))
    (local.set $exponent (f64x2.sub
      (v128.or (i64x2.shr_u (local.get $oneMinus) (i32.const 52)) (global.get $twoTo52Bits))
      (global.get $twoTo52Plus1022)))
    (local.set $small (f64x2.lt (local.get $mantissa) (global.get $sqrtHalf)))
    (local.set $exponent (f64x2.sub (local.get $exponent) (v128.and (local.get $small) (global.get $one))))
    (local.set $x (f64x2.add
      (f64x2.sub (local.get $mantissa) (global.get $one))
      (v128.and (local.get $small) (local.get $mantissa))))
    (local.set $z (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $x) (local.get $x)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (global.get $logP0) (local.get $x)) (global.get $logP1)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP2)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP3)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP4)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP5)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP6)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP7)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $x)) (global.get $logP8)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $x) (local.get $y)))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $y) (local.get $z)) (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $exponent) (global.get $logQ1))))))))
    (local.set $y (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.sub (local.get $y) (f64x2.mul (local.get $z) (global.get $half))))))
    (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $exponent) (global.get $logQ2)) (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (local.get $x) (local.get $y))))))))
    (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.sqrt (f64x2.mul (local.get $x) (global.get $minusTwo)))))))
