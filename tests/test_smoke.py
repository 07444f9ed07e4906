def test_shipped_plan_validates_strict(run):
    from tests.conftest import DATA

    result = run("validate", str(DATA), "--strict", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "26 项任务" in result.output
