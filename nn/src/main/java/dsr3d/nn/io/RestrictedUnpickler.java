package dsr3d.nn.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle parser that executes nothing. It understands the opcodes a state dict of tensors uses
 * (protocols 2 to 5, binary forms only) and builds plain Java values:
 * str -> String, int -> Long (BigInteger beyond 64 bits), float -> Double, bool -> Boolean,
 * None -> null, list -> ArrayList, dict -> LinkedHashMap, tuple -> {@link Tuple}.
 *
 * <p>Every GLOBAL / STACK_GLOBAL is passed to a {@link Policy}, which returns an inert token for the
 * few names it knows and throws for everything else ("refusing global posix.system"), at the
 * moment the name is read, before any REDUCE could use it. REDUCE and BUILD are likewise handed
 * to the policy, which only ever sees its own tokens. Opcodes that instantiate classes (NEWOBJ,
 * INST, OBJ, EXT*) or carry protocol-0 text values are refused outright.
 */
final class RestrictedUnpickler {
    /** A Python tuple (immutable). */
    record Tuple(List<Object> items) {
        Tuple { items = Collections.unmodifiableList(new ArrayList<>(items)); }
        int size() { return items.size(); }
        Object get(int i) { return items.get(i); }
    }

    /** What the pickle may reference; everything it does not allow must throw. */
    interface Policy {
        /** An inert token for module.name, or a PickleException refusing it. */
        Object global(String module, String name) throws PickleException;

        /** The value of callable(*args), where callable came from {@link #global}. */
        Object reduce(Object callable, Tuple args) throws PickleException;

        /** obj after BUILD with state (e.g. an OrderedDict's _metadata attribute). */
        Object build(Object obj, Object state) throws PickleException;

        /** The object a persistent id (BINPERSID) stands for. */
        Object persistentLoad(Object pid) throws PickleException;
    }

    /** A malformed or refused pickle; the message says what and at which byte. */
    static final class PickleException extends Exception {
        PickleException(String message) { super(message); }
    }

    private static final Object MARK = new Object() {
        @Override public String toString() { return "MARK"; }
    };

    private final ByteBuffer in;
    private final Policy policy;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opPos;

    private RestrictedUnpickler(byte[] data, Policy policy) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.policy = policy;
    }

    static Object load(byte[] data, Policy policy) throws PickleException {
        return new RestrictedUnpickler(data, policy).run();
    }

    private Object run() throws PickleException {
        while (true) {
            if (!in.hasRemaining()) throw fail("pickle ends without STOP (truncated)");
            opPos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int p = u8();
                    if (p < 2 || p > 5) throw fail("pickle protocol " + p + " (only binary protocols 2..5 are read)");
                }
                case 0x95 -> need(8).getLong(); // FRAME: a length hint only
                case '.' -> { // STOP
                    Object r = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) throw fail("STOP with " + stack.size() + " values left on the stack");
                    return r;
                }
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case '(' -> { marks.add(stack.size()); push(MARK); }
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(popN(1)));
                case 0x86 -> push(new Tuple(popN(2)));
                case 0x87 -> push(new Tuple(popN(3)));
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> kv = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putPairs(m, kv);
                    push(m);
                }
                case 'X' -> push(utf8(length32()));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(length64()));
                case 'C' -> push(bytes(u8()));
                case 'B' -> push(bytes(length32()));
                case 0x8e -> push(bytes(length64()));
                case 'J' -> push((long) need(4).getInt());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (need(2).getShort() & 0xffff));
                case 0x8a -> push(long1(u8()));
                case 0x8b -> push(long1(length32()));
                case 'G' -> push(need(8).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(null);
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(need(4).getInt() & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(need(4).getInt() & 0xffffffffL));
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 's' -> {
                    List<Object> kv = popN(2);
                    putPairs(dictBelow(), kv);
                }
                case 'u' -> {
                    List<Object> kv = popMark();
                    putPairs(dictBelow(), kv);
                }
                case 'a' -> {
                    Object v = pop();
                    listBelow().add(v);
                }
                case 'e' -> {
                    List<Object> vs = popMark();
                    listBelow().addAll(vs);
                }
                case 'c' -> push(policy.global(line("module"), line("name")));
                case 0x93 -> { // STACK_GLOBAL
                    List<Object> mn = popN(2);
                    if (!(mn.get(0) instanceof String m) || !(mn.get(1) instanceof String n))
                        throw fail("STACK_GLOBAL needs two strings, got " + repr(mn));
                    push(policy.global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    if (!(args instanceof Tuple t)) throw fail("REDUCE arguments are not a tuple");
                    push(policy.reduce(callable, t));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object obj = pop();
                    push(policy.build(obj, state));
                }
                case 'Q' -> push(policy.persistentLoad(pop()));
                default -> throw fail(String.format("unsupported pickle opcode 0x%02x%s (a tensor state dict never needs it)", op,
                        op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : ""));
            }
        }
    }

    /**
     * A short description of a parsed value for error messages: bounded in depth, items and string
     * length, so a cyclic or huge structure (legal in pickle) cannot blow up the message.
     */
    static String repr(Object o) { return repr(o, 2); }

    private static String repr(Object o, int depth) {
        if (o == null) return "None";
        if (o instanceof String s) return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        if (o instanceof Number || o instanceof Boolean) return o.toString();
        if (o instanceof byte[] b) return "bytes(" + b.length + ")";
        List<?> items = o instanceof Tuple t ? t.items() : o instanceof List<?> l ? l : null;
        if (items != null) {
            String open = o instanceof Tuple ? "(" : "[", close = o instanceof Tuple ? ")" : "]";
            if (depth == 0) return open + "..." + items.size() + " items" + close;
            StringBuilder sb = new StringBuilder(open);
            for (int i = 0; i < Math.min(8, items.size()); i++) sb.append(i > 0 ? ", " : "").append(repr(items.get(i), depth - 1));
            return sb.append(items.size() > 8 ? ", ..." : "").append(close).toString();
        }
        if (o instanceof Map<?, ?> m) return "dict of " + m.size() + " items";
        return o.getClass().getSimpleName();
    }

    private PickleException fail(String what) { return new PickleException(what + " at pickle byte " + opPos); }

    private void push(Object o) { stack.add(o); }

    private Object pop() throws PickleException {
        if (stack.isEmpty()) throw fail("stack underflow");
        Object o = stack.removeLast();
        if (o == MARK) throw fail("unexpected MARK on the stack");
        return o;
    }

    private Object peek() throws PickleException {
        if (stack.isEmpty() || stack.getLast() == MARK) throw fail("memo store with an empty stack");
        return stack.getLast();
    }

    private List<Object> popN(int n) throws PickleException {
        int base = marks.isEmpty() ? 0 : marks.getLast() + 1;
        if (stack.size() - base < n) throw fail("stack underflow (need " + n + " values)");
        List<Object> top = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return top;
    }

    private List<Object> popMark() throws PickleException {
        if (marks.isEmpty()) throw fail("no MARK to pop to");
        int m = marks.removeLast();
        List<Object> top = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return top;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictBelow() throws PickleException {
        Object o = stack.isEmpty() ? null : stack.getLast();
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw fail("SETITEM(S) target is not a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> listBelow() throws PickleException {
        Object o = stack.isEmpty() ? null : stack.getLast();
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw fail("APPEND(S) target is not a list");
    }

    private void putPairs(Map<Object, Object> m, List<Object> kv) throws PickleException {
        if (kv.size() % 2 != 0) throw fail("odd number of dict items");
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            // keys are names: scalars, or tuples of scalars (hashing a nested or cyclic value could recurse without end)
            if (!isScalar(k) && !(k instanceof Tuple t && t.items().stream().allMatch(RestrictedUnpickler::isScalar)))
                throw fail("dict key " + repr(k) + " is not a str, int, float, bool, None or tuple of those");
            m.put(k, kv.get(i + 1));
        }
    }

    private static boolean isScalar(Object o) {
        return o == null || o instanceof String || o instanceof Long || o instanceof Double || o instanceof Boolean || o instanceof BigInteger;
    }

    private Object memoGet(long i) throws PickleException {
        if (!memo.containsKey(i)) throw fail("memo index " + i + " was never stored");
        return memo.get(i);
    }

    private ByteBuffer need(int n) throws PickleException {
        if (in.remaining() < n) throw fail("pickle truncated (" + n + " bytes needed, " + in.remaining() + " left)");
        ByteBuffer b = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return b;
    }

    private int u8() throws PickleException { return need(1).get() & 0xff; }

    private int length32() throws PickleException {
        long n = need(4).getInt() & 0xffffffffL;
        if (n > in.remaining()) throw fail("length " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private int length64() throws PickleException {
        long n = need(8).getLong();
        if (n < 0 || n > in.remaining()) throw fail("length " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private String utf8(int n) throws PickleException {
        ByteBuffer b = need(n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }

    private byte[] bytes(int n) throws PickleException {
        byte[] b = new byte[n];
        need(n).get(b);
        return b;
    }

    /** LONG1/LONG4: little-endian two's complement. */
    private Object long1(int n) throws PickleException {
        if (n == 0) return 0L;
        byte[] le = bytes(n);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** GLOBAL's newline-terminated module or name (ASCII, at most 256 bytes). */
    private String line(String what) throws PickleException {
        int start = in.position();
        for (int i = start; i < in.limit() && i - start <= 256; i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.US_ASCII);
            }
        }
        throw fail("GLOBAL " + what + " is not a newline-terminated line of at most 256 bytes");
    }
}
