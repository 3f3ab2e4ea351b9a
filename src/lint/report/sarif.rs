pub fn write(_r: &super::Report, _o: &mut dyn std::io::Write) -> std::io::Result<()> {
    Ok(())
}
