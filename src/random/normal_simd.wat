;; normalValues (normal.ts) in WebAssembly SIMD128, bit for bit: threefry2x32 words, then JAX's
;; uniform and sqrt(2) * erfinv(u) in float32, as threefry.ts, uniform.ts, erfinv.ts and
;; normal.ts compute them. scripts/build_wasm.ts compiles this file into normal_simd_binary.ts;
;; normal_simd.ts instantiates it, lays out its memory and copies the values out.
;;
;; Why the bits are the same: wasm's f32 and f64 add, sub, mul, div and sqrt (scalar or SIMD)
;; are IEEE operations, correctly rounded and never fused into a multiply-add, so each f32x4
;; operation below is one Math.fround(a op b) of the JS code, in the same order, and
;; f32x4.demote_f64x2_zero rounds as Math.fround does. Math.log1p is V8's fdlibm log1p, ported
;; below for the arguments it gets here. __tests__/random_simd.test.ts compares all 2^23
;; uniforms with the JS code.
;;
;; Constants are immutable globals rather than v128.const operands: V8 (11.3) rebuilds a
;; v128.const from immediates with three instructions wherever it is used, and loads a global
;; with one, which makes the draw about 1.3x faster.
(module
  ;; One 64 KiB page, never grown: normal_simd.ts draws in chunks that fit.
  (memory (export "memory") 1)

  ;; threefry
  (global $four v128 (v128.const i32x4 4 4 4 4))

  ;; uniform: u = (bits >>> 9) 2^-22 + nextafter(-1, 0)
  (global $twoToMinus22 v128 (v128.const f32x4 0x1p-22 0x1p-22 0x1p-22 0x1p-22))
  (global $lowestUniform v128 (v128.const f32x4 -0x1.fffffep-1 -0x1.fffffep-1 -0x1.fffffep-1 -0x1.fffffep-1))

  ;; log1p (fdlibm)
  (global $minusTwoToMinus29 v128 (v128.const f64x2 -0x1p-29 -0x1p-29))
  ;; the largest negative t with k = 0: high word of |t| <= 0x3FD2BEC4
  (global $kZeroBound v128 (v128.const f64x2 -0x1.2bec5p-2 -0x1.2bec5p-2))
  (global $mantissaBits v128 (v128.const i64x2 0x000fffffffffffff 0x000fffffffffffff))
  ;; mantissa of sqrt(2): fdlibm's hu >= 0x6A09E
  (global $sqrt2Mantissa v128 (v128.const i64x2 0x0006a09e00000000 0x0006a09e00000000))
  (global $exponentOne v128 (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000))
  (global $exponentStep v128 (v128.const i64x2 0x0010000000000000 0x0010000000000000))
  (global $twoTo52Bits v128 (v128.const i64x2 0x4330000000000000 0x4330000000000000))
  (global $twoTo52PlusBias v128 (v128.const f64x2 0x1.00000000003ffp52 0x1.00000000003ffp52))
  ;; fdlibm's hu = 0 after normalisation: top 20 mantissa bits 0, or >= 0xFFFFD
  (global $nearOneBelow v128 (v128.const i64x2 0x0000000100000000 0x0000000100000000))
  (global $nearOneAbove v128 (v128.const i64x2 0x000ffffd00000000 0x000ffffd00000000))
  (global $oneF64 v128 (v128.const f64x2 1 1))
  (global $halfF64 v128 (v128.const f64x2 0.5 0.5))
  (global $twoF64 v128 (v128.const f64x2 2 2))
  (global $twoThirds v128 (v128.const f64x2 0x1.5555555555555p-1 0x1.5555555555555p-1))
  (global $ln2Hi v128 (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))
  (global $ln2Lo v128 (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))
  (global $Lp1 v128 (v128.const f64x2 0x1.5555555555593p-1 0x1.5555555555593p-1))
  (global $Lp2 v128 (v128.const f64x2 0x1.999999997fa04p-2 0x1.999999997fa04p-2))
  (global $Lp3 v128 (v128.const f64x2 0x1.2492494229359p-2 0x1.2492494229359p-2))
  (global $Lp4 v128 (v128.const f64x2 0x1.c71c51d8e78afp-3 0x1.c71c51d8e78afp-3))
  (global $Lp5 v128 (v128.const f64x2 0x1.7466496cb03dep-3 0x1.7466496cb03dep-3))
  (global $Lp6 v128 (v128.const f64x2 0x1.39a09d078c69fp-3 0x1.39a09d078c69fp-3))
  (global $Lp7 v128 (v128.const f64x2 0x1.2f112df3e5244p-3 0x1.2f112df3e5244p-3))

  ;; erfinv (erfinv.ts): P and Q, highest degree first, and the branch points
  (global $P0 v128 (v128.const f32x4 0x1.e2cb1p-26 0x1.e2cb1p-26 0x1.e2cb1p-26 0x1.e2cb1p-26))
  (global $P1 v128 (v128.const f32x4 0x1.70966cp-22 0x1.70966cp-22 0x1.70966cp-22 0x1.70966cp-22))
  (global $P2 v128 (v128.const f32x4 -0x1.d8e6aep-19 -0x1.d8e6aep-19 -0x1.d8e6aep-19 -0x1.d8e6aep-19))
  (global $P3 v128 (v128.const f32x4 -0x1.26b582p-18 -0x1.26b582p-18 -0x1.26b582p-18 -0x1.26b582p-18))
  (global $P4 v128 (v128.const f32x4 0x1.ca65b6p-13 0x1.ca65b6p-13 0x1.ca65b6p-13 0x1.ca65b6p-13))
  (global $P5 v128 (v128.const f32x4 -0x1.48a81p-10 -0x1.48a81p-10 -0x1.48a81p-10 -0x1.48a81p-10))
  (global $P6 v128 (v128.const f32x4 -0x1.11c9dep-8 -0x1.11c9dep-8 -0x1.11c9dep-8 -0x1.11c9dep-8))
  (global $P7 v128 (v128.const f32x4 0x1.f91ec6p-3 0x1.f91ec6p-3 0x1.f91ec6p-3 0x1.f91ec6p-3))
  (global $P8 v128 (v128.const f32x4 0x1.805c5ep0 0x1.805c5ep0 0x1.805c5ep0 0x1.805c5ep0))
  (global $Q0 v128 (v128.const f32x4 -0x1.a3e136p-13 -0x1.a3e136p-13 -0x1.a3e136p-13 -0x1.a3e136p-13))
  (global $Q1 v128 (v128.const f32x4 0x1.a76ad6p-14 0x1.a76ad6p-14 0x1.a76ad6p-14 0x1.a76ad6p-14))
  (global $Q2 v128 (v128.const f32x4 0x1.61b8e4p-10 0x1.61b8e4p-10 0x1.61b8e4p-10 0x1.61b8e4p-10))
  (global $Q3 v128 (v128.const f32x4 -0x1.e17bcep-9 -0x1.e17bcep-9 -0x1.e17bcep-9 -0x1.e17bcep-9))
  (global $Q4 v128 (v128.const f32x4 0x1.7824f6p-8 0x1.7824f6p-8 0x1.7824f6p-8 0x1.7824f6p-8))
  (global $Q5 v128 (v128.const f32x4 -0x1.f38baep-8 -0x1.f38baep-8 -0x1.f38baep-8 -0x1.f38baep-8))
  (global $Q6 v128 (v128.const f32x4 0x1.354afcp-7 0x1.354afcp-7 0x1.354afcp-7 0x1.354afcp-7))
  (global $Q7 v128 (v128.const f32x4 0x1.006db6p0 0x1.006db6p0 0x1.006db6p0 0x1.006db6p0))
  (global $Q8 v128 (v128.const f32x4 0x1.6a9efcp1 0x1.6a9efcp1 0x1.6a9efcp1 0x1.6a9efcp1))
  (global $twoPointFive v128 (v128.const f32x4 2.5 2.5 2.5 2.5))
  (global $three v128 (v128.const f32x4 3 3 3 3))
  (global $five v128 (v128.const f32x4 5 5 5 5))
  (global $sqrt2 v128 (v128.const f32x4 0x1.6a09e6p0 0x1.6a09e6p0 0x1.6a09e6p0 0x1.6a09e6p0))

  ;; JAX's threefry_2x32(key, iota(size)) for the blocks first .. first + count - 1, four blocks
  ;; per lane group: block b encrypts the counts (b, half + b), or (b, 0) where half + b = size
  ;; (the padding of an odd size), and writes its first word at out0 + 4 (b - first), its
  ;; second at out1 + 4 (b - first). count is rounded up to a multiple of 4: the caller leaves
  ;; room for the extra words and ignores them. Key schedule and rotations: encryptBlock in
  ;; threefry.ts.
  (func (export "threefry")
    (param $k0 i32) (param $k1 i32) (param $half i32) (param $size i32)
    (param $first i32) (param $count i32) (param $out0 i32) (param $out1 i32)
    (local $offset i32) (local $end i32)
    (local $counts0 v128) (local $counts1 v128) (local $sizes v128)
    (local $ks0 v128) (local $ks1 v128) (local $ks2 v128)
    (local $ks2_1 v128) (local $ks0_2 v128) (local $ks1_3 v128) (local $ks2_4 v128) (local $ks0_5 v128)
    (local $x0 v128) (local $x1 v128)
    (local.set $ks0 (i32x4.splat (local.get $k0)))
    (local.set $ks1 (i32x4.splat (local.get $k1)))
    ;; 0x1bd11bda: Threefry's key-schedule parity constant
    (local.set $ks2 (i32x4.splat (i32.xor (i32.xor (local.get $k0) (local.get $k1)) (i32.const 0x1bd11bda))))
    ;; the key words each injection adds, with the injection's number
    (local.set $ks2_1 (i32x4.add (local.get $ks2) (v128.const i32x4 1 1 1 1)))
    (local.set $ks0_2 (i32x4.add (local.get $ks0) (v128.const i32x4 2 2 2 2)))
    (local.set $ks1_3 (i32x4.add (local.get $ks1) (v128.const i32x4 3 3 3 3)))
    (local.set $ks2_4 (i32x4.add (local.get $ks2) (v128.const i32x4 4 4 4 4)))
    (local.set $ks0_5 (i32x4.add (local.get $ks0) (v128.const i32x4 5 5 5 5)))
    (local.set $counts0 (i32x4.add (i32x4.splat (local.get $first)) (v128.const i32x4 0 1 2 3)))
    (local.set $counts1 (i32x4.add (local.get $counts0) (i32x4.splat (local.get $half))))
    (local.set $sizes (i32x4.splat (local.get $size)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $x0 (i32x4.add (local.get $counts0) (local.get $ks0)))
        (local.set $x1 (i32x4.add
          (v128.andnot (local.get $counts1) (i32x4.eq (local.get $counts1) (local.get $sizes)))
          (local.get $ks1)))
        ;; rotations 13, 15, 26, 6
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 13)) (i32x4.shr_u (local.get $x1) (i32.const 19)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 15)) (i32x4.shr_u (local.get $x1) (i32.const 17)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 26)) (i32x4.shr_u (local.get $x1) (i32.const 6)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 6)) (i32x4.shr_u (local.get $x1) (i32.const 26)))))
        ;; key injection 1
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $ks1)))
        (local.set $x1 (i32x4.add (local.get $x1) (local.get $ks2_1)))
        ;; rotations 17, 29, 16, 24
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 17)) (i32x4.shr_u (local.get $x1) (i32.const 15)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 29)) (i32x4.shr_u (local.get $x1) (i32.const 3)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 16)) (i32x4.shr_u (local.get $x1) (i32.const 16)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 24)) (i32x4.shr_u (local.get $x1) (i32.const 8)))))
        ;; key injection 2
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $ks2)))
        (local.set $x1 (i32x4.add (local.get $x1) (local.get $ks0_2)))
        ;; rotations 13, 15, 26, 6
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 13)) (i32x4.shr_u (local.get $x1) (i32.const 19)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 15)) (i32x4.shr_u (local.get $x1) (i32.const 17)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 26)) (i32x4.shr_u (local.get $x1) (i32.const 6)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 6)) (i32x4.shr_u (local.get $x1) (i32.const 26)))))
        ;; key injection 3
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $ks0)))
        (local.set $x1 (i32x4.add (local.get $x1) (local.get $ks1_3)))
        ;; rotations 17, 29, 16, 24
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 17)) (i32x4.shr_u (local.get $x1) (i32.const 15)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 29)) (i32x4.shr_u (local.get $x1) (i32.const 3)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 16)) (i32x4.shr_u (local.get $x1) (i32.const 16)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 24)) (i32x4.shr_u (local.get $x1) (i32.const 8)))))
        ;; key injection 4
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $ks1)))
        (local.set $x1 (i32x4.add (local.get $x1) (local.get $ks2_4)))
        ;; rotations 13, 15, 26, 6
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 13)) (i32x4.shr_u (local.get $x1) (i32.const 19)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 15)) (i32x4.shr_u (local.get $x1) (i32.const 17)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 26)) (i32x4.shr_u (local.get $x1) (i32.const 6)))))
        (local.set $x0 (i32x4.add (local.get $x0) (local.get $x1)))
        (local.set $x1 (v128.xor (local.get $x0) (v128.or (i32x4.shl (local.get $x1) (i32.const 6)) (i32x4.shr_u (local.get $x1) (i32.const 26)))))
        (v128.store (i32.add (local.get $out0) (local.get $offset)) (i32x4.add (local.get $x0) (local.get $ks2)))
        (v128.store (i32.add (local.get $out1) (local.get $offset)) (i32x4.add (local.get $x1) (local.get $ks0_5)))
        (local.set $counts0 (i32x4.add (local.get $counts0) (global.get $four)))
        (local.set $counts1 (i32x4.add (local.get $counts1) (global.get $four)))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $blocks))))

  ;; Replaces the count threefry words at address (count rounded up to a multiple of 4) by
  ;; normals: sqrt(2) erfinv(u) of their uniforms u. Three passes, each a short loop whose
  ;; iterations overlap in the CPU (one loop doing all three waits on its long float chains);
  ;; scratch holds 8 bytes per word for the float64 pass.
  (func (export "normals") (param $address i32) (param $count i32) (param $scratch i32)
    (call $uniforms (local.get $address) (local.get $count) (local.get $scratch))
    (call $log1p (local.get $scratch) (local.get $count))
    (call $erfinv (local.get $address) (local.get $count) (local.get $scratch)))

  ;; Threefry words at address to their uniforms u in place, and -f32(u^2) as float64 at
  ;; scratch. u: uniform.ts with min = nextafter(-1, 0), max = 1, so f32(max - min) = 2 and
  ;; (bits >>> 9) 2^-23 * 2 is the exact (bits >>> 9) 2^-22. JAX's clamp at min cannot bind:
  ;; the exact sum is >= min, and rounding keeps it there.
  (func $uniforms (param $address i32) (param $count i32) (param $scratch i32)
    (local $end i32) (local $u v128) (local $minusSquares v128)
    (local.set $end (i32.add (local.get $address) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $address) (local.get $end)))
        (local.set $u (f32x4.add
          (f32x4.mul
            (f32x4.convert_i32x4_u (i32x4.shr_u (v128.load (local.get $address)) (i32.const 9)))
            (global.get $twoToMinus22))
          (global.get $lowestUniform)))
        (v128.store (local.get $address) (local.get $u))
        (local.set $minusSquares (f32x4.neg (f32x4.mul (local.get $u) (local.get $u))))
        (v128.store (local.get $scratch) (f64x2.promote_low_f32x4 (local.get $minusSquares)))
        (v128.store offset=16 (local.get $scratch) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $minusSquares) (local.get $minusSquares))))
        (local.set $address (i32.add (local.get $address) (i32.const 16)))
        (local.set $scratch (i32.add (local.get $scratch) (i32.const 32)))
        (br $words))))

  ;; Math.log1p(t) in place for the float64 values t = -f32(u^2) at address, two per lane
  ;; group (count rounded up to a multiple of 4). V8's log1p (src/base/ieee754.cc, fdlibm's
  ;; s_log1p.c, notice below) restricted to -1 < t <= -2^-48, where it takes three paths:
  ;;   |t| < 2^-29:              t - t * t * 0.5
  ;;   |t| <= 0.2929 (k = 0):    f = t
  ;;   otherwise (k != 0):       u = 1 + t = 2^k (1 + f), sqrt(2)/2 <= 1 + f < sqrt(2);
  ;;                             fdlibm's correction c = (t - (u - 1)) / u is 0 here (u is
  ;;                             exact for a float32 t in (-1, -0.25]) and drops out
  ;; then, with hfsq = 0.5 f f, s = f / (2 + f), z = s s, R = z (Lp1 + z (Lp2 + ... z Lp7)):
  ;;   log1p(t) = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f)
  ;; which for k = 0 is fdlibm's f - (hfsq - s (hfsq + R)) exactly (0 - y = -y and
  ;; a - b = -(b - a) in round-to-nearest), or, when 1 + f is within 2^-20 of 1 (fdlibm's
  ;; hu = 0, k != 0 here), k ln2_hi - ((hfsq (1 - 2/3 f) - k ln2_lo) - f).
  ;;
  ;; ====================================================
  ;; Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
  ;;
  ;; Developed at SunSoft, a Sun Microsystems, Inc. business.
  ;; Permission to use, copy, modify, and distribute this
  ;; software is freely granted, provided that this notice
  ;; is preserved.
  ;; ====================================================
  (func $log1p (param $address i32) (param $count i32)
    (local $end i32)
    (local $t v128) (local $nearZero v128) (local $kIsZero v128) (local $u v128)
    (local $mantissa v128) (local $aboveSqrt2 v128) (local $f v128) (local $k v128)
    (local $nearOne v128) (local $hfsq v128) (local $s v128) (local $z v128) (local $r v128)
    (local $result v128)
    (local.set $end (i32.add (local.get $address) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $values
        (br_if $done (i32.ge_u (local.get $address) (local.get $end)))
        (local.set $t (v128.load (local.get $address)))
        (local.set $nearZero (f64x2.gt (local.get $t) (global.get $minusTwoToMinus29)))
        (local.set $kIsZero (f64x2.gt (local.get $t) (global.get $kZeroBound)))
        ;; k != 0: normalise u (or u / 2 at or above sqrt(2) 2^k, then k + 1) to 1 + f
        (local.set $u (f64x2.add (local.get $t) (global.get $oneF64)))
        (local.set $mantissa (v128.and (local.get $u) (global.get $mantissaBits)))
        (local.set $aboveSqrt2 (i64x2.ge_s (local.get $mantissa) (global.get $sqrt2Mantissa)))
        (local.set $f (v128.bitselect
          (local.get $t)
          (f64x2.sub
            (v128.or (local.get $mantissa)
              (i64x2.sub (global.get $exponentOne) (v128.and (local.get $aboveSqrt2) (global.get $exponentStep))))
            (global.get $oneF64))
          (local.get $kIsZero)))
        ;; k = biased exponent of u (+ 1 above sqrt(2)) - 1023 as a float64, through the
        ;; float64 2^52 + exponent (the exponent in the low mantissa bits of 2^52)
        (local.set $k (v128.andnot
          (f64x2.sub
            (v128.or
              (i64x2.sub (i64x2.shr_u (local.get $u) (i32.const 52)) (local.get $aboveSqrt2))
              (global.get $twoTo52Bits))
            (global.get $twoTo52PlusBias))
          (local.get $kIsZero)))
        (local.set $nearOne (v128.andnot
          (v128.or
            (i64x2.lt_s (local.get $mantissa) (global.get $nearOneBelow))
            (i64x2.ge_s (local.get $mantissa) (global.get $nearOneAbove)))
          (local.get $kIsZero)))
        (local.set $hfsq (f64x2.mul (f64x2.mul (global.get $halfF64) (local.get $f)) (local.get $f)))
        (local.set $s (f64x2.div (local.get $f) (f64x2.add (global.get $twoF64) (local.get $f))))
        (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
        (local.set $r (f64x2.mul (local.get $z) (global.get $Lp7)))
        (local.set $r (f64x2.mul (local.get $z) (f64x2.add (global.get $Lp6) (local.get $r))))
        (local.set $r (f64x2.mul (local.get $z) (f64x2.add (global.get $Lp5) (local.get $r))))
        (local.set $r (f64x2.mul (local.get $z) (f64x2.add (global.get $Lp4) (local.get $r))))
        (local.set $r (f64x2.mul (local.get $z) (f64x2.add (global.get $Lp3) (local.get $r))))
        (local.set $r (f64x2.mul (local.get $z) (f64x2.add (global.get $Lp2) (local.get $r))))
        (local.set $r (f64x2.mul (local.get $z) (f64x2.add (global.get $Lp1) (local.get $r))))
        (local.set $result (f64x2.sub
          (f64x2.mul (local.get $k) (global.get $ln2Hi))
          (f64x2.sub
            (f64x2.sub
              (local.get $hfsq)
              (f64x2.add
                (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $r)))
                (f64x2.mul (local.get $k) (global.get $ln2Lo))))
            (local.get $f))))
        (if (v128.any_true (local.get $nearOne))
          (then
            (local.set $result (v128.bitselect
              (f64x2.sub
                (f64x2.mul (local.get $k) (global.get $ln2Hi))
                (f64x2.sub
                  (f64x2.sub
                    (f64x2.mul (local.get $hfsq)
                      (f64x2.sub (global.get $oneF64) (f64x2.mul (global.get $twoThirds) (local.get $f))))
                    (f64x2.mul (local.get $k) (global.get $ln2Lo)))
                  (local.get $f)))
              (local.get $result)
              (local.get $nearOne)))))
        (if (v128.any_true (local.get $nearZero))
          (then
            (local.set $result (v128.bitselect
              (f64x2.sub (local.get $t) (f64x2.mul (f64x2.mul (local.get $t) (local.get $t)) (global.get $halfF64)))
              (local.get $result)
              (local.get $nearZero)))))
        (v128.store (local.get $address) (local.get $result))
        (local.set $address (i32.add (local.get $address) (i32.const 16)))
        (br $values))))

  ;; The uniforms u at address to f32(sqrt(2) erfinv32(u)) in place (erfinv.ts), with
  ;; w = -f32(log1p(-f32(u^2))) from the float64 logarithms at scratch. u is never +-1.
  (func $erfinv (param $address i32) (param $count i32) (param $scratch i32)
    (local $end i32) (local $u v128) (local $w v128) (local $t v128) (local $p v128) (local $tail v128)
    (local.set $end (i32.add (local.get $address) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $values
        (br_if $done (i32.ge_u (local.get $address) (local.get $end)))
        (local.set $u (v128.load (local.get $address)))
        (local.set $w (f32x4.neg (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (v128.load (local.get $scratch)))
          (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $scratch))))))
        ;; w < 5: p = P(w - 2.5)
        (local.set $t (f32x4.sub (local.get $w) (global.get $twoPointFive)))
        (local.set $p (f32x4.add (global.get $P1) (f32x4.mul (global.get $P0) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P2) (f32x4.mul (local.get $p) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P3) (f32x4.mul (local.get $p) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P4) (f32x4.mul (local.get $p) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P5) (f32x4.mul (local.get $p) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P6) (f32x4.mul (local.get $p) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P7) (f32x4.mul (local.get $p) (local.get $t))))
        (local.set $p (f32x4.add (global.get $P8) (f32x4.mul (local.get $p) (local.get $t))))
        ;; w >= 5 (|u| > 0.9966, rare): p = Q(sqrt(w) - 3). f32(Math.sqrt(w)) of a float32 w is
        ;; the float32 sqrt: rounding a float64 sqrt to float32 is correctly rounded.
        (local.set $tail (f32x4.ge (local.get $w) (global.get $five)))
        (if (v128.any_true (local.get $tail))
          (then
            (local.set $t (f32x4.sub (f32x4.sqrt (local.get $w)) (global.get $three)))
            (local.set $p (v128.bitselect (call $tailPolynomial (local.get $t)) (local.get $p) (local.get $tail)))))
        ;; erfinv = f32(p u); the normal f32(sqrt(2) erfinv)
        (v128.store (local.get $address) (f32x4.mul (global.get $sqrt2) (f32x4.mul (local.get $p) (local.get $u))))
        (local.set $address (i32.add (local.get $address) (i32.const 16)))
        (local.set $scratch (i32.add (local.get $scratch) (i32.const 32)))
        (br $values))))

  ;; Q(t) of erfinv.ts
  (func $tailPolynomial (param $t v128) (result v128)
    (local $q v128)
    (local.set $q (f32x4.add (global.get $Q1) (f32x4.mul (global.get $Q0) (local.get $t))))
    (local.set $q (f32x4.add (global.get $Q2) (f32x4.mul (local.get $q) (local.get $t))))
    (local.set $q (f32x4.add (global.get $Q3) (f32x4.mul (local.get $q) (local.get $t))))
    (local.set $q (f32x4.add (global.get $Q4) (f32x4.mul (local.get $q) (local.get $t))))
    (local.set $q (f32x4.add (global.get $Q5) (f32x4.mul (local.get $q) (local.get $t))))
    (local.set $q (f32x4.add (global.get $Q6) (f32x4.mul (local.get $q) (local.get $t))))
    (local.set $q (f32x4.add (global.get $Q7) (f32x4.mul (local.get $q) (local.get $t))))
    (f32x4.add (global.get $Q8) (f32x4.mul (local.get $q) (local.get $t))))
)
