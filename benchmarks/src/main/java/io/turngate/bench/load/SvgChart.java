package io.turngate.bench.load;

import java.util.List;
import java.util.Locale;

/**
 * Grouped bar charts as inline SVG text: no script, no stylesheet and nothing fetched, so a report opens anywhere
 * (and survives being attached to an issue).
 */
final class SvgChart {

    /** One colour per series, readable on white and in grey-scale print. */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

    private static final int TOP = 36;
    private static final int BOTTOM = 130;
    private static final int LEFT = 70;
    private static final int RIGHT = 16;
    private static final int PLOT_HEIGHT = 260;
    private static final int BAR = 18;
    private static final int GROUP_GAP = 22;

    private SvgChart() {
    }

    /**
     * @param values {@code values[series][category]}; NaN or a negative value leaves the bar out
     * @param log    logarithmic value axis (for latencies spanning decades)
     */
    static String bars(String title, String unit, List<String> categories, List<String> series, double[][] values,
                       boolean log) {
        int groups = categories.size();
        int bars = series.size() * BAR;
        int perGroup = Math.max(bars, 56);
        int width = Math.max(420, LEFT + RIGHT + groups * (perGroup + GROUP_GAP) + GROUP_GAP);
        int height = TOP + PLOT_HEIGHT + BOTTOM + 18 * ((series.size() + 3) / 4);
        int leftRoom = 0;
        for (String c : categories) {
            leftRoom = Math.max(leftRoom, c.length() * 6);
        }
        int left = Math.max(LEFT, leftRoom - GROUP_GAP - perGroup / 2 + 8);
        width += left - LEFT;
        Range range = new Range();
        for (double[] row : values) {
            for (double v : row) {
                range.add(v);
            }
        }
        Axis axis = log ? Axis.log(range.min(), range.max()) : Axis.linear(range.max());
        StringBuilder s = new StringBuilder(4096);
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">%n",
                width, height, width, height));
        s.append("<title>").append(HtmlReport.escape(title)).append("</title>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                left, HtmlReport.escape(title)));
        int plotRight = width - RIGHT;
        int y0 = TOP + PLOT_HEIGHT;
        for (double tick : axis.ticks) {
            int y = (int) Math.round(y0 - axis.fraction(tick) * PLOT_HEIGHT);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    left, y, plotRight, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left - 6, y + 4, HtmlReport.escape(LoadGenerator.si(tick))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + PLOT_HEIGHT / 2, TOP + PLOT_HEIGHT / 2,
                HtmlReport.escape(unit + (log ? " (log scale)" : ""))));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                left, y0, plotRight, y0));
        for (int g = 0; g < groups; g++) {
            int gx = left + GROUP_GAP + g * (perGroup + GROUP_GAP);
            for (int k = 0; k < series.size(); k++) {
                double v = values[k][g];
                if (Double.isNaN(v) || v < 0) {
                    continue;
                }
                int h = (int) Math.round(axis.fraction(v) * PLOT_HEIGHT);
                int x = gx + (perGroup - bars) / 2 + k * BAR;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                                + "fill=\"%s\"><title>%s, %s: %s %s</title></rect>%n", x, y0 - h, BAR - 2,
                        Math.max(h, 0), PALETTE[k % PALETTE.length], HtmlReport.escape(series.get(k)),
                        HtmlReport.escape(categories.get(g)), HtmlReport.escape(fmt(v)), HtmlReport.escape(unit)));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"start\" "
                                + "transform=\"rotate(-90 %d %d)\">%s</text>%n", x + BAR / 2 + 2, y0 - h - 3,
                        x + BAR / 2 + 2, y0 - h - 3, HtmlReport.escape(LoadGenerator.si(v))));
            }
            int cx = gx + perGroup / 2;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                    + "transform=\"rotate(-30 %d %d)\">%s</text>%n", cx, y0 + 14, cx, y0 + 14,
                    HtmlReport.escape(categories.get(g))));
        }
        int ly = y0 + BOTTOM - 8;
        for (int k = 0; k < series.size(); k++) {
            int lx = left + (k % 4) * 150;
            int row = ly + (k / 4) * 18;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, row - 10, PALETTE[k % PALETTE.length],
                    lx + 16, row, HtmlReport.escape(series.get(k))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /**
     * Every run as a dot, per category and series, on a logarithmic axis, with a bar (outline) at the series' median
     * run: the spread of N runs beside the value the table shows.
     *
     * @param values {@code values[series][category][run]}; NaN or non-positive values are left out
     * @param median {@code median[series][category]}; NaN leaves the bar out
     */
    static String dots(String title, String unit, List<String> categories, List<String> series, double[][][] values,
                       double[][] median) {
        int groups = categories.size();
        int col = 22;
        int perGroup = Math.max(series.size() * col, 56);
        int leftRoom = 0;
        for (String c : categories) {
            leftRoom = Math.max(leftRoom, c.length() * 6);
        }
        int left = Math.max(LEFT, leftRoom - GROUP_GAP - perGroup / 2 + 8);
        int width = Math.max(420, left + RIGHT + groups * (perGroup + GROUP_GAP) + GROUP_GAP);
        int height = TOP + PLOT_HEIGHT + BOTTOM + 18 * ((series.size() + 3) / 4);
        Range range = new Range();
        for (double[][] bySeries : values) {
            for (double[] runs : bySeries) {
                for (double v : runs) {
                    range.add(v);
                }
            }
        }
        Axis axis = Axis.log(range.min(), range.max());
        StringBuilder s = new StringBuilder(8192);
        int y0 = TOP + PLOT_HEIGHT;
        frame(s, title, unit + " (log scale)", axis, left, width, height, y0);
        for (int g = 0; g < groups; g++) {
            int gx = left + GROUP_GAP + g * (perGroup + GROUP_GAP);
            for (int k = 0; k < series.size(); k++) {
                int x = gx + (perGroup - series.size() * col) / 2 + k * col;
                String colour = PALETTE[k % PALETTE.length];
                double m = median[k][g];
                if (!Double.isNaN(m) && m > 0) {
                    int h = (int) Math.round(axis.fraction(m) * PLOT_HEIGHT);
                    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                                    + "fill=\"none\" stroke=\"%s\"><title>%s, %s: median run %s %s</title></rect>%n",
                            x, y0 - h, col - 4, Math.max(h, 0), colour, HtmlReport.escape(series.get(k)),
                            HtmlReport.escape(categories.get(g)), HtmlReport.escape(fmt(m)),
                            HtmlReport.escape(unit)));
                }
                double[] runs = values[k][g];
                for (int r = 0; r < runs.length; r++) {
                    double v = runs[r];
                    if (Double.isNaN(v) || v <= 0) {
                        continue;
                    }
                    int cy = (int) Math.round(y0 - axis.fraction(v) * PLOT_HEIGHT);
                    int cx = x + 3 + (r % 4) * 4; // a little spread, so equal runs stay visible
                    s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\" "
                                    + "fill-opacity=\"0.7\"><title>%s, %s, run %d: %s %s</title></circle>%n", cx, cy,
                            colour, HtmlReport.escape(series.get(k)), HtmlReport.escape(categories.get(g)), r + 1,
                            HtmlReport.escape(fmt(v)), HtmlReport.escape(unit)));
                }
            }
            int cx = gx + perGroup / 2;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                    + "transform=\"rotate(-30 %d %d)\">%s</text>%n", cx, y0 + 14, cx, y0 + 14,
                    HtmlReport.escape(categories.get(g))));
        }
        legend(s, series, left, y0);
        return s.append("</svg>\n").toString();
    }

    /**
     * Lines over time on a logarithmic value axis: one colour per series, one line per run.
     *
     * @param lines {@code lines[series][run]} is that run's points {@code {x, y}} in x order; y NaN or
     *              non-positive is left out
     */
    static String timeline(String title, String xUnit, String unit, List<String> series,
                           List<List<double[][]>> lines) {
        int left = LEFT;
        int width = 760;
        int height = TOP + PLOT_HEIGHT + 60 + 18 * ((series.size() + 3) / 4);
        Range range = new Range();
        double xMax = 1;
        for (List<double[][]> runs : lines) {
            for (double[][] run : runs) {
                for (double[] p : run) {
                    xMax = Math.max(xMax, p[0]);
                    range.add(p[1]);
                }
            }
        }
        Axis axis = Axis.log(range.min(), range.max());
        Axis x = Axis.linear(xMax);
        int plotWidth = width - left - RIGHT;
        int y0 = TOP + PLOT_HEIGHT;
        StringBuilder s = new StringBuilder(8192);
        frame(s, title, unit + " (log scale)", axis, left, width, height, y0);
        for (double t : x.ticks) {
            int px = left + (int) Math.round(x.fraction(t) * plotWidth);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px,
                    y0 + 14, HtmlReport.escape(fmt(t))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                left + plotWidth / 2, y0 + 30, HtmlReport.escape(xUnit)));
        for (int k = 0; k < lines.size(); k++) {
            String colour = PALETTE[k % PALETTE.length];
            List<double[][]> runs = lines.get(k);
            for (int r = 0; r < runs.size(); r++) {
                StringBuilder pts = new StringBuilder();
                for (double[] p : runs.get(r)) {
                    if (p[1] > 0 && !Double.isNaN(p[1])) {
                        pts.append(String.format(Locale.ROOT, "%d,%d ",
                                left + (int) Math.round(x.fraction(p[0]) * plotWidth),
                                (int) Math.round(y0 - axis.fraction(p[1]) * PLOT_HEIGHT)));
                    }
                }
                s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                                + "stroke-width=\"1.5\" stroke-opacity=\"0.8\"><title>%s, run %d</title></polyline>%n",
                        pts.toString().trim(), colour, HtmlReport.escape(series.get(k)), r + 1));
            }
        }
        legend(s, series, left, y0 + 52 - BOTTOM + 8);
        return s.append("</svg>\n").toString();
    }

    /** The svg element, title, horizontal gridlines with their labels, the unit and the x axis line. */
    private static void frame(StringBuilder s, String title, String unit, Axis axis, int left, int width, int height,
                              int y0) {
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">%n",
                width, height, width, height));
        s.append("<title>").append(HtmlReport.escape(title)).append("</title>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                left, HtmlReport.escape(title)));
        int plotRight = width - RIGHT;
        for (double tick : axis.ticks) {
            int y = (int) Math.round(y0 - axis.fraction(tick) * PLOT_HEIGHT);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    left, y, plotRight, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left - 6, y + 4, HtmlReport.escape(LoadGenerator.si(tick))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + PLOT_HEIGHT / 2, TOP + PLOT_HEIGHT / 2,
                HtmlReport.escape(unit)));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                left, y0, plotRight, y0));
    }

    private static void legend(StringBuilder s, List<String> series, int left, int y0) {
        int ly = y0 + BOTTOM - 8;
        for (int k = 0; k < series.size(); k++) {
            int lx = left + (k % 4) * 150;
            int row = ly + (k / 4) * 18;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, row - 10, PALETTE[k % PALETTE.length],
                    lx + 16, row, HtmlReport.escape(series.get(k))));
        }
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Maps values to 0..1 of the plot height and lists the gridline values. */
    /** The smallest and largest positive, non-NaN value plotted; 1..1 when there is none. */
    private static final class Range {
        private double min = Double.MAX_VALUE;
        private double max = 0;

        void add(double v) {
            if (v > 0 && !Double.isNaN(v)) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }

        double min() {
            return max == 0 ? 1 : min;
        }

        double max() {
            return max == 0 ? 1 : max;
        }
    }

    private static final class Axis {
        final double lo;
        final double hi;
        final boolean log;
        final double[] ticks;

        private Axis(double lo, double hi, boolean log, double[] ticks) {
            this.lo = lo;
            this.hi = hi;
            this.log = log;
            this.ticks = ticks;
        }

        static Axis linear(double max) {
            double step = niceStep(max / 5);
            int n = (int) Math.ceil(max / step);
            double[] ticks = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                ticks[i] = i * step;
            }
            return new Axis(0, n * step, false, ticks);
        }

        static Axis log(double min, double max) {
            int a = (int) Math.floor(Math.log10(min));
            int b = (int) Math.ceil(Math.log10(max));
            if (b == a) {
                b++;
            }
            double[] ticks = new double[b - a + 1];
            for (int i = 0; i < ticks.length; i++) {
                ticks[i] = Math.pow(10, a + i);
            }
            return new Axis(Math.pow(10, a), Math.pow(10, b), true, ticks);
        }

        double fraction(double v) {
            if (log) {
                if (v <= 0) {
                    return 0;
                }
                return Math.max(0, (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
            }
            return hi == lo ? 0 : (v - lo) / (hi - lo);
        }

        static double niceStep(double raw) {
            if (raw <= 0) {
                return 1;
            }
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / p;
            double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
            return nice * p;
        }
    }
}
