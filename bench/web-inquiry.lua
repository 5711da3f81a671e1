-- wrk script for bench/web-load.sh: POST /api/v1/web/inquiries with realistic Vietnamese bodies
-- (~300-800 bytes of JSON, varying text, name, phone, district) and a unique submissionId per
-- request, so every request is a new inquiry. Counts status codes, requests sent and responses
-- per thread and prints them as "RESULT key value" lines in done() for the driver script.
--
-- Usage: wrk -t2 -c64 -d30s -s bench/web-inquiry.lua http://127.0.0.1:PORT -- RUN_PREFIX

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local sentences = {
  "Tôi muốn hỏi về thủ tục cấp lại giấy khai sinh cho con tôi bị thất lạc khi chuyển nhà.",
  "Đèn đường trên đoạn phố này đã hỏng hơn hai tuần, buổi tối rất tối và nguy hiểm cho người đi bộ.",
  "Khu vực chợ có nhiều rác thải tồn đọng, bốc mùi hôi thối, đề nghị phường cho xe thu gom sớm.",
  "Gia đình tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất từ tháng trước nhưng chưa nhận được kết quả.",
  "Công trình xây dựng bên cạnh nhà tôi làm việc cả ban đêm, gây tiếng ồn lớn sau 22 giờ.",
  "Xin hỏi mức học phí năm học mới tại các trường mầm non công lập trên địa bàn quận là bao nhiêu?",
  "Đường ống nước bị vỡ, nước chảy tràn ra mặt đường từ sáng nay, mong đơn vị cấp nước kiểm tra.",
  "Tôi phản ánh tình trạng lấn chiếm vỉa hè để kinh doanh, người đi bộ phải đi xuống lòng đường.",
  "Cây xanh trước cổng trường có nhánh lớn bị gãy treo lơ lửng, rất nguy hiểm khi có mưa gió.",
  "Tôi cần hướng dẫn đăng ký thường trú cho người thân từ tỉnh khác chuyển đến sinh sống.",
  "Khu dân cư bị ngập sâu mỗi khi mưa lớn, nước tràn vào nhà, đề nghị nạo vét cống thoát nước.",
  "Xin cho biết thời gian làm việc của bộ phận một cửa ủy ban nhân dân phường vào thứ bảy.",
  "Có người đổ trộm phế thải xây dựng ở bãi đất trống cuối hẻm vào ban đêm.",
  "Tôi đã gọi tổng đài nhiều lần nhưng chưa được giải quyết việc cắt điện không báo trước.",
  "Đề nghị kiểm tra cơ sở kinh doanh thực phẩm không rõ nguồn gốc bán gần trường tiểu học.",
  "Bảo hiểm y tế của mẹ tôi hết hạn, xin hướng dẫn gia hạn trực tuyến qua cổng dịch vụ công.",
  "Xe tải chở vật liệu chạy quá tốc độ trong khu dân cư, làm rơi vãi đất cát ra đường.",
  "Con tôi chuẩn bị vào lớp một, xin hỏi hồ sơ tuyển sinh trực tuyến cần những giấy tờ gì.",
  "Quán karaoke hoạt động quá giờ quy định, mở nhạc to đến một giờ sáng làm mất trật tự.",
  "Trạm xe buýt bị xuống cấp, mái che bị thủng, người dân phải đứng chờ dưới mưa.",
  "Tôi muốn phản ánh thái độ phục vụ chưa đúng mực của cán bộ tiếp nhận hồ sơ.",
  "Xin cảm ơn quý cơ quan đã quan tâm, mong sớm nhận được phản hồi.",
  "Rất mong được hướng dẫn cụ thể để gia đình tôi chuẩn bị hồ sơ đầy đủ.",
}
local names = { "Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức",
  "Vũ Thị Hạnh", "Đặng Quốc Huy", "Bùi Thanh Lan", "Đỗ Ngọc Mai", "Hồ Văn Nam", "Ngô Thị Oanh",
  "Dương Tuấn Phong", "Lý Thị Quỳnh", "Trương Văn Sơn", "Phan Thị Thảo" }
local districts = { "Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Đống Đa", "Quận Cầu Giấy", "Quận Hai Bà Trưng",
  "Quận Hoàng Mai", "Quận Thanh Xuân", "Quận Long Biên", "Quận Tây Hồ", "Huyện Gia Lâm" }

local texts = {}
counter = 0
sent = 0  -- globals: done() reads them with thread:get()
responses = 0
codes = {}
local headers = { ["Content-Type"] = "application/json; charset=utf-8" }

function init(args)
  prefix = args[1] or ("b" .. os.time())
  math.randomseed(os.time() * 1000 + tid * 7919)
  -- 512 varied texts per thread; the JSON around them brings the body to ~300-800 bytes
  for i = 1, 512 do
    local target = math.random(180, 620)
    local parts = {}
    local len = 0
    while len < target do
      local s = sentences[math.random(#sentences)]
      table.insert(parts, s)
      len = len + #s + 1
    end
    texts[i] = table.concat(parts, " ")
  end
end

function request()
  counter = counter + 1
  sent = sent + 1
  local phone = string.format("09%08d", math.random(0, 99999999))
  local body = '{"text":"' .. texts[math.random(#texts)] ..
    '","name":"' .. names[math.random(#names)] ..
    '","phone":"' .. phone ..
    '","email":"dan' .. math.random(1, 999999) .. '@example.vn' ..
    '","district":"' .. districts[math.random(#districts)] ..
    '","submissionId":"' .. prefix .. "-" .. tid .. "-" .. counter .. '"}'
  return wrk.format("POST", "/api/v1/web/inquiries", headers, body)
end

function response(status, hdrs, body)
  responses = responses + 1
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local tsent, tresp = 0, 0
  for _, t in ipairs(threads) do
    tsent = tsent + t:get("sent")
    tresp = tresp + t:get("responses")
    for status, n in pairs(t:get("codes")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("RESULT status_%d %d\n", status, n))
  end
  io.write(string.format("RESULT sent %d\n", tsent))
  io.write(string.format("RESULT responses %d\n", tresp))
  io.write(string.format("RESULT duration_us %d\n", summary.duration))
  io.write(string.format("RESULT errors_connect %d\n", summary.errors.connect))
  io.write(string.format("RESULT errors_read %d\n", summary.errors.read))
  io.write(string.format("RESULT errors_write %d\n", summary.errors.write))
  io.write(string.format("RESULT errors_timeout %d\n", summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("RESULT lat_p%s_us %d\n", tostring(p), latency:percentile(p)))
  end
  io.write(string.format("RESULT lat_max_us %d\n", latency.max))
end
