from nlp.bench import bench
from nlp.samples import SAMPLES
from nlp.tagger import TextItem


def test_bench_reports_both_rates(tagger) -> None:
    result = bench([TextItem(text) for text in SAMPLES], tagger=tagger, batch_size=4)
    assert result.messages == len(SAMPLES)
    assert result.tagger_rate > 0 and result.naive_rate > 0
    assert result.ratio == result.tagger_rate / result.naive_rate
    assert 100 < result.peak_rss_mib < 4096
