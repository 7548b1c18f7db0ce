<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>kiosk</name>
        <message>
            <source>title</source>
            <extracomment>自助取号</extracomment>
            <translation>Take a Queue Ticket</translation>
        </message>
        <message>
            <source>choose</source>
            <extracomment>请选择您要办理的业务</extracomment>
            <translation>Please choose a service</translation>
        </message>
        <message>
            <source>language</source>
            <extracomment>English</extracomment>
            <translation>中文</translation>
        </message>
        <message>
            <source>elderly</source>
            <extracomment>长者模式</extracomment>
            <translation>Large text</translation>
        </message>
        <message>
            <source>help</source>
            <extracomment>呼叫工作人员</extracomment>
            <translation>Call staff</translation>
        </message>
        <message>
            <source>help_sent</source>
            <extracomment>已通知工作人员，请稍候</extracomment>
            <translation>Staff have been called, please wait</translation>
        </message>
        <message>
            <source>issuing</source>
            <extracomment>正在为您取号，请稍候…</extracomment>
            <translation>Getting your ticket, please wait…</translation>
        </message>
        <message>
            <source>your_number</source>
            <extracomment>您的号码</extracomment>
            <translation>Your number</translation>
        </message>
        <message>
            <source>ahead</source>
            <extracomment>前面还有 {n} 人</extracomment>
            <translation>{n} people ahead of you</translation>
        </message>
        <message>
            <source>wait</source>
            <extracomment>预计等候约 {n} 分钟</extracomment>
            <translation>Estimated wait: about {n} min</translation>
        </message>
        <message>
            <source>wait_unknown</source>
            <extracomment>暂无可用窗口，请留意叫号</extracomment>
            <translation>No window open now, please watch the screen</translation>
        </message>
        <message>
            <source>area</source>
            <extracomment>办理区域：{area}</extracomment>
            <translation>Go to: {area}</translation>
        </message>
        <message>
            <source>take_ticket</source>
            <extracomment>请取走您的号票</extracomment>
            <translation>Please take your ticket</translation>
        </message>
        <message>
            <source>home_paper_out</source>
            <extracomment>打印机缺纸：取号后请用手机扫描屏幕上的二维码保存号码</extracomment>
            <translation>The printer is out of paper: after taking a number, scan its QR code with your phone</translation>
        </message>
        <message>
            <source>home_printer_down</source>
            <extracomment>打印机暂不可用：取号后请用手机扫描屏幕上的二维码保存号码</extracomment>
            <translation>The printer is unavailable: after taking a number, scan its QR code with your phone</translation>
        </message>
        <message>
            <source>no_paper</source>
            <extracomment>打印机暂时无法出票。您的号码已取好：请用手机扫描旁边的二维码保存号码，或将本屏幕拍照留存。保存好后请按“完成”。</extracomment>
            <translation>The printer cannot print now. Your number is taken: scan the QR code beside this text with your phone, or take a photo of this screen. Press Done when you have it.</translation>
        </message>
        <message>
            <source>offline</source>
            <extracomment>暂时无法连接取号系统，请到服务台咨询</extracomment>
            <translation>The queue system cannot be reached. Please ask at the help desk</translation>
        </message>
        <message>
            <source>refused</source>
            <extracomment>无法取号：{reason}</extracomment>
            <translation>No ticket: {reason}</translation>
        </message>
        <message>
            <source>done</source>
            <extracomment>完成</extracomment>
            <translation>Done</translation>
        </message>
        <message>
            <source>waiting_count</source>
            <extracomment>等候 {n} 人</extracomment>
            <translation>{n} waiting</translation>
        </message>
        <message>
            <source>id_button</source>
            <extracomment>刷身份证办理</extracomment>
            <translation>Identify with ID card</translation>
        </message>
        <message>
            <source>id_title</source>
            <extracomment>身份核验</extracomment>
            <translation>Identity check</translation>
        </message>
        <message>
            <source>id_place_card</source>
            <extracomment>请将身份证放在读卡区</extracomment>
            <translation>Please place your ID card on the reader</translation>
        </message>
        <message>
            <source>id_card_error</source>
            <extracomment>证件无法读取，请取回证件后重新放置</extracomment>
            <translation>The card could not be read. Lift it and place it again</translation>
        </message>
        <message>
            <source>id_face_look</source>
            <extracomment>请正对摄像头</extracomment>
            <translation>Please look at the camera</translation>
        </message>
        <message>
            <source>id_frames</source>
            <extracomment>已采集 {n}/{m}</extracomment>
            <translation>Captured {n}/{m}</translation>
        </message>
        <message>
            <source>id_card_only</source>
            <extracomment>已读取身份证</extracomment>
            <translation>ID card read</translation>
        </message>
        <message>
            <source>id_face_passed</source>
            <extracomment>身份核验通过</extracomment>
            <translation>Identity verified</translation>
        </message>
        <message>
            <source>id_face_retry</source>
            <extracomment>人脸比对未通过，请重试</extracomment>
            <translation>Face check not passed, please try again</translation>
        </message>
        <message>
            <source>id_face_staff</source>
            <extracomment>人脸核验未通过，请联系工作人员协助；取号不受影响</extracomment>
            <translation>Face check not passed. Staff will help you; you can still take a ticket</translation>
        </message>
        <message>
            <source>id_camera_down</source>
            <extracomment>摄像头暂不可用，请联系工作人员；取号不受影响</extracomment>
            <translation>The camera is unavailable. Please ask staff; you can still take a ticket</translation>
        </message>
        <message>
            <source>id_number</source>
            <extracomment>证件号码：{id}</extracomment>
            <translation>ID number: {id}</translation>
        </message>
        <message>
            <source>id_retry</source>
            <extracomment>重试</extracomment>
            <translation>Try again</translation>
        </message>
        <message>
            <source>id_cancel</source>
            <extracomment>结束</extracomment>
            <translation>Finish</translation>
        </message>
        <message>
            <source>green_notice</source>
            <extracomment>绿色通道 · 优先办理</extracomment>
            <translation>Green channel: priority service</translation>
        </message>
        <message>
            <source>appointment_notice</source>
            <extracomment>预约签到 · 优先办理</extracomment>
            <translation>Appointment: priority service</translation>
        </message>
        <message>
            <source>read_aloud</source>
            <extracomment>朗读</extracomment>
            <translation>Read aloud</translation>
        </message>
        <message>
            <source>help_button</source>
            <extracomment>求助</extracomment>
            <translation>Help</translation>
        </message>
        <message>
            <source>help_sending</source>
            <extracomment>正在通知工作人员…</extracomment>
            <translation>Calling staff…</translation>
        </message>
        <message>
            <source>help_notified</source>
            <extracomment>已通知工作人员</extracomment>
            <translation>Staff notified</translation>
        </message>
        <message>
            <source>help_coming</source>
            <extracomment>工作人员马上就到</extracomment>
            <translation>Staff are on the way</translation>
        </message>
        <message>
            <source>help_failed</source>
            <extracomment>暂时无法通知工作人员，请到服务台咨询</extracomment>
            <translation>Staff could not be called. Please go to the help desk</translation>
        </message>
        <message>
            <source>help_robot</source>
            <extracomment>导引机器人正在赶来</extracomment>
            <translation>The guide robot is on its way</translation>
        </message>
        <message>
            <source>guide_me</source>
            <extracomment>需要引导</extracomment>
            <translation>Guide me</translation>
        </message>
        <message>
            <source>guide_me_on</source>
            <extracomment>需要引导 ✓</extracomment>
            <translation>Guide me ✓</translation>
        </message>
        <message>
            <source>say_home</source>
            <extracomment>{title}。{choose}：{services}。需要帮助请按求助。</extracomment>
            <translation>{title}. {choose}: {services}. For help, press Help.</translation>
        </message>
        <message>
            <source>say_service</source>
            <extracomment>{code}，{name}</extracomment>
            <translation>{code}, {name}</translation>
        </message>
        <message>
            <source>say_ticket</source>
            <extracomment>您的号码是 {number}，{service}。{ahead}。{area}。{message}</extracomment>
            <translation>Your number is {number}, {service}. {ahead}. {area}. {message}</translation>
        </message>
        <message>
            <source>say_list_sep</source>
            <extracomment>；</extracomment>
            <translation>; </translation>
        </message>
        <message>
            <source>attract_touch</source>
            <extracomment>触摸屏幕开始</extracomment>
            <translation>Touch to start</translation>
        </message>
        <message>
            <source>attract_phone</source>
            <extracomment>手机扫码，在线取号、查看排队</extracomment>
            <translation>Scan with your phone to take a number or follow the queue</translation>
        </message>
        <message>
            <source>timeout_warning</source>
            <extracomment>页面将在 {n} 秒后返回首页</extracomment>
            <translation>Back to the start in {n} s</translation>
        </message>
        <message>
            <source>timeout_continue</source>
            <extracomment>继续使用</extracomment>
            <translation>Continue</translation>
        </message>
        <message>
            <source>bk_button</source>
            <extracomment>预约签到</extracomment>
            <translation>Check in a booking</translation>
        </message>
        <message>
            <source>bk_title</source>
            <extracomment>预约签到</extracomment>
            <translation>Check in a booking</translation>
        </message>
        <message>
            <source>bk_enter</source>
            <extracomment>请输入预约码，或点击“扫码签到”出示预约二维码</extracomment>
            <translation>Type your booking code, or tap “Scan” and show the booking's QR code</translation>
        </message>
        <message>
            <source>bk_scan</source>
            <extracomment>扫码签到</extracomment>
            <translation>Scan</translation>
        </message>
        <message>
            <source>bk_scanning</source>
            <extracomment>请将手机上的预约二维码对准摄像头</extracomment>
            <translation>Hold the booking's QR code on your phone up to the camera</translation>
        </message>
        <message>
            <source>bk_type</source>
            <extracomment>输入预约码</extracomment>
            <translation>Type the code</translation>
        </message>
        <message>
            <source>bk_confirm</source>
            <extracomment>查询预约</extracomment>
            <translation>Find booking</translation>
        </message>
        <message>
            <source>bk_clear</source>
            <extracomment>清空</extracomment>
            <translation>Clear</translation>
        </message>
        <message>
            <source>bk_looking</source>
            <extracomment>正在查询预约，请稍候…</extracomment>
            <translation>Looking up the booking, please wait…</translation>
        </message>
        <message>
            <source>bk_found</source>
            <extracomment>请核对预约信息后签到</extracomment>
            <translation>Please check the booking, then check in</translation>
        </message>
        <message>
            <source>bk_matter</source>
            <extracomment>预约事项：{v}</extracomment>
            <translation>Matter: {v}</translation>
        </message>
        <message>
            <source>bk_slot</source>
            <extracomment>预约时段：{date} {start}–{end}</extracomment>
            <translation>Time: {date} {start}–{end}</translation>
        </message>
        <message>
            <source>bk_holder</source>
            <extracomment>预约人：{v}</extracomment>
            <translation>Booked by: {v}</translation>
        </message>
        <message>
            <source>bk_hall</source>
            <extracomment>办理地点：{v}</extracomment>
            <translation>Where: {v}</translation>
        </message>
        <message>
            <source>bk_check_in</source>
            <extracomment>签到取号</extracomment>
            <translation>Check in</translation>
        </message>
        <message>
            <source>bk_checking_in</source>
            <extracomment>正在签到，请稍候…</extracomment>
            <translation>Checking in, please wait…</translation>
        </message>
        <message>
            <source>bk_normal_ticket</source>
            <extracomment>取普通号</extracomment>
            <translation>Take a normal ticket</translation>
        </message>
        <message>
            <source>bk_bad_code</source>
            <extracomment>预约码应为 4–32 位数字或字母</extracomment>
            <translation>A booking code has 4 to 32 digits or letters</translation>
        </message>
        <message>
            <source>bk_bad_qr</source>
            <extracomment>这不是预约二维码，请出示预约成功后的二维码或输入预约码</extracomment>
            <translation>This QR code is not a booking. Show the booking's QR code or type its code</translation>
        </message>
        <message>
            <source>bk_not_found</source>
            <extracomment>未找到该预约，请核对预约码</extracomment>
            <translation>No booking with this code. Please check it</translation>
        </message>
        <message>
            <source>bk_used</source>
            <extracomment>该预约已签到过，请留意叫号屏幕</extracomment>
            <translation>This booking has been checked in already. Please watch the calling screen</translation>
        </message>
        <message>
            <source>bk_cancelled</source>
            <extracomment>该预约已取消，可取普通号办理</extracomment>
            <translation>This booking was cancelled. You can take a normal ticket</translation>
        </message>
        <message>
            <source>bk_early</source>
            <extracomment>您预约的时段是 {date} {start}–{end}，请于 {opens} 后再来签到</extracomment>
            <translation>Your booking is for {date} {start}–{end}. Check-in opens at {opens}</translation>
        </message>
        <message>
            <source>bk_late</source>
            <extracomment>您预约的时段 {date} {start}–{end} 已过，预约已失效，可取普通号办理</extracomment>
            <translation>Your booking for {date} {start}–{end} has lapsed. You can take a normal ticket</translation>
        </message>
        <message>
            <source>bk_other_hall</source>
            <extracomment>该预约在“{hall}”办理，请前往该服务中心签到</extracomment>
            <translation>This booking is for “{hall}”. Please check in there</translation>
        </message>
        <message>
            <source>bk_not_today</source>
            <extracomment>该预约不是今天的，请在预约当天签到</extracomment>
            <translation>This booking is not for today</translation>
        </message>
        <message>
            <source>bk_camera_down</source>
            <extracomment>摄像头暂不可用，请输入预约码</extracomment>
            <translation>The camera is unavailable. Please type the code</translation>
        </message>
        <message>
            <source>bk_scan_timeout</source>
            <extracomment>未识别到二维码，请重试或输入预约码</extracomment>
            <translation>No QR code was read. Try again or type the code</translation>
        </message>
        <message>
            <source>bk_backend_down</source>
            <extracomment>预约系统暂时无法连接，可取普通号办理</extracomment>
            <translation>Bookings cannot be checked now. You can take a normal ticket</translation>
        </message>
        <message>
            <source>err_error</source>
            <extracomment>这一步没有成功，请返回重试；如仍不成功，请按“求助”，工作人员会来帮您</extracomment>
            <translation>That did not work. Please go back and try again. If it still does not work, please press Help and staff will come</translation>
        </message>
        <message>
            <source>err_internal_error</source>
            <extracomment>系统暂时出了点问题，请稍后重试；如仍不成功，请按“求助”，工作人员会来帮您</extracomment>
            <translation>Something went wrong on our side. Please try again in a moment. If it still does not work, please press Help and staff will come</translation>
        </message>
        <message>
            <source>err_limit_reached</source>
            <extracomment>今日该业务号已发完，请明天再来，或在手机上预约其他时间</extracomment>
            <translation>All of today's tickets for this service have been given out. Please come back tomorrow or book another time on your phone</translation>
        </message>
        <message>
            <source>err_not_open</source>
            <extracomment>该业务现在不取号，取号时间为 {hours}，请在此时间内再来</extracomment>
            <translation>This service is not taking tickets now. Please come back during its ticket hours: {hours}</translation>
        </message>
        <message>
            <source>err_bad_request</source>
            <extracomment>这一步没有成功，请返回首页重试；如仍不成功，请按“求助”，工作人员会来帮您</extracomment>
            <translation>That did not work. Please go back to the start and try again. If it still does not work, please press Help and staff will come</translation>
        </message>
        <message>
            <source>err_forbidden</source>
            <extracomment>这台自助机暂时不能办理此项，请到服务台办理</extracomment>
            <translation>This kiosk cannot do this right now. Please go to the help desk</translation>
        </message>
        <message>
            <source>err_not_found</source>
            <extracomment>没有找到相关记录，请核对后重试，或到服务台咨询</extracomment>
            <translation>Nothing was found. Please check and try again, or ask at the help desk</translation>
        </message>
        <message>
            <source>err_conflict</source>
            <extracomment>这项操作现在不能进行，请稍后再试，或到服务台咨询</extracomment>
            <translation>This cannot be done right now. Please try again later, or ask at the help desk</translation>
        </message>
        <message>
            <source>err_unavailable</source>
            <extracomment>系统繁忙，请稍等片刻后重试；如仍不成功，请按“求助”，工作人员会来帮您</extracomment>
            <translation>The system is busy. Please wait a moment and try again. If it still does not work, please press Help and staff will come</translation>
        </message>
        <message>
            <source>err_controller_unavailable</source>
            <extracomment>暂时无法连接取号系统，请稍等片刻后重试；如仍不成功，请按“求助”，工作人员会来帮您</extracomment>
            <translation>The queue system cannot be reached. Please wait a moment and try again. If it still does not work, please press Help and staff will come</translation>
        </message>
        <message>
            <source>err_robot_unavailable</source>
            <extracomment>引导机器人暂时不能前来，请稍候，工作人员会来帮您</extracomment>
            <translation>The guide robot cannot come right now. Please wait: staff will come to help you</translation>
        </message>
        <message>
            <source>err_wrong_pin</source>
            <extracomment>此功能供工作人员使用，请联系工作人员</extracomment>
            <translation>This is for staff only. Please ask a member of staff</translation>
        </message>
        <message>
            <source>err_locked</source>
            <extracomment>此功能供工作人员使用，请联系工作人员</extracomment>
            <translation>This is for staff only. Please ask a member of staff</translation>
        </message>
        <message>
            <source>err_sign_in_required</source>
            <extracomment>此功能供工作人员使用，请联系工作人员</extracomment>
            <translation>This is for staff only. Please ask a member of staff</translation>
        </message>
        <message>
            <source>err_backend_unavailable</source>
            <extracomment>政务服务平台暂时连接不上，请稍后再查预约、进度和证照；取号不受影响</extracomment>
            <translation>The government service platform cannot be reached. Please try bookings, progress and licences later; you can still take a ticket</translation>
        </message>
        <message>
            <source>err_backend_contract</source>
            <extracomment>平台返回的信息有误，暂时无法办理，请稍后再试，或到服务台办理</extracomment>
            <translation>The platform sent back wrong information. Please try again later, or go to the help desk</translation>
        </message>
        <message>
            <source>err_backend_refused</source>
            <extracomment>平台未受理这项请求，请到服务台咨询</extracomment>
            <translation>The platform did not accept this request. Please ask at the help desk</translation>
        </message>
        <message>
            <source>err_appointment_checked_in</source>
            <extracomment>该预约已经签到过，请留意叫号屏幕；如没有拿到号票，请到服务台</extracomment>
            <translation>This booking has already been checked in. Please watch the calling screen; if you have no ticket, please go to the help desk</translation>
        </message>
        <message>
            <source>err_appointment_cancelled</source>
            <extracomment>该预约已取消，请直接取号办理，或重新预约</extracomment>
            <translation>This booking was cancelled. Please take a ticket, or book again</translation>
        </message>
        <message>
            <source>err_not_today</source>
            <extracomment>该预约不是今天的，请在预约当天再来签到</extracomment>
            <translation>This booking is not for today. Please check in on the day of your booking</translation>
        </message>
        <message>
            <source>err_appointment_early</source>
            <extracomment>还没到签到时间，请在 {opens} 以后再来签到</extracomment>
            <translation>It is too early to check in. Please check in after {opens}</translation>
        </message>
        <message>
            <source>err_appointment_late</source>
            <extracomment>预约时段已过，不能签到，请直接取号办理，或重新预约</extracomment>
            <translation>Your booked time has passed. Please take a ticket, or book again</translation>
        </message>
        <message>
            <source>err_other_hall</source>
            <extracomment>该预约属于{hall}，请到该大厅签到</extracomment>
            <translation>This booking is for {hall}. Please check in there</translation>
        </message>
        <message>
            <source>err_already_printed</source>
            <extracomment>该证照已经打印过，如需再次打印，请确认或到服务台办理</extracomment>
            <translation>This licence has been printed before. To print it again, please confirm, or go to the help desk</translation>
        </message>
        <message>
            <source>err_not_printable</source>
            <extracomment>该证照不能自助打印，请到窗口领取</extracomment>
            <translation>This licence cannot be printed here. Please collect it at a window</translation>
        </message>
        <message>
            <source>err_not_served</source>
            <extracomment>该号码尚未办结，请办结后再评价</extracomment>
            <translation>This ticket has not been served yet. Please rate it after your visit</translation>
        </message>
        <message>
            <source>err_already_rated</source>
            <extracomment>该号码已经评价过，谢谢您；请点“完成”</extracomment>
            <translation>This ticket has already been rated, thank you. Please press Done</translation>
        </message>
        <message>
            <source>err_rating_closed</source>
            <extracomment>已超过评价期限，谢谢您；请点“完成”</extracomment>
            <translation>The time to rate this visit has passed, thank you. Please press Done</translation>
        </message>
        <message>
            <source>err_already_paid</source>
            <extracomment>该款项已经缴清，无需再缴，请点“完成”</extracomment>
            <translation>This has already been paid. Nothing more is due: please press Done</translation>
        </message>
        <message>
            <source>err_order_pending</source>
            <extracomment>所选项目有一笔支付正在进行，请先完成或取消那笔支付</extracomment>
            <translation>One item is in another open payment. Please finish or cancel that payment first</translation>
        </message>
        <message>
            <source>err_amount_mismatch</source>
            <extracomment>应缴金额已变化，请重新选择后再缴费</extracomment>
            <translation>The amount due has changed. Please choose again, then pay</translation>
        </message>
        <message>
            <source>err_receipt_printed</source>
            <extracomment>缴费凭证已经打印过，如需补打请到服务台</extracomment>
            <translation>The receipt has already been printed. Please ask at the help desk for a copy</translation>
        </message>
        <message>
            <source>err_payment_expired</source>
            <extracomment>支付超时，订单已取消，没有扣款；请重新缴费</extracomment>
            <translation>Time is up: the order was cancelled and nothing was charged. Please pay again</translation>
        </message>
        <message>
            <source>err_payment_cancelled</source>
            <extracomment>已取消支付，没有扣款；如需缴费请重新开始</extracomment>
            <translation>The payment was cancelled and nothing was charged. Please start again to pay</translation>
        </message>
        <message>
            <source>err_remote_closed</source>
            <extracomment>本大厅暂不支持手机取号，请在自助机上取号</extracomment>
            <translation>This hall does not take phone tickets. Please take a ticket at the kiosk</translation>
        </message>
        <message>
            <source>err_quota_reached</source>
            <extracomment>今日该业务的手机取号名额已满，请在自助机上取号</extracomment>
            <translation>Today's phone tickets for this service are all taken. Please take a ticket at the kiosk</translation>
        </message>
        <message>
            <source>err_phone_quota_reached</source>
            <extracomment>这部手机今天的取号次数已用完，请在自助机上取号</extracomment>
            <translation>This phone has taken all its tickets for today. Please take a ticket at the kiosk</translation>
        </message>
        <message>
            <source>err_open_ticket</source>
            <extracomment>您已经有一个还没办结的号，请留意叫号</extracomment>
            <translation>You already have a ticket waiting. Please watch for your call</translation>
        </message>
        <message>
            <source>err_code_wrong</source>
            <extracomment>验证码不正确，请核对后重新输入</extracomment>
            <translation>The code is not right. Please check it and type it again</translation>
        </message>
        <message>
            <source>err_code_expired</source>
            <extracomment>验证码已过期，请重新获取</extracomment>
            <translation>The code has expired. Please ask for a new one</translation>
        </message>
        <message>
            <source>err_too_many_attempts</source>
            <extracomment>尝试次数过多，请稍后再试，或到服务台</extracomment>
            <translation>Too many tries. Please try again later, or go to the help desk</translation>
        </message>
        <message>
            <source>err_too_soon</source>
            <extracomment>请稍等一会儿再获取验证码</extracomment>
            <translation>Please wait a little before asking for another code</translation>
        </message>
        <message>
            <source>err_paper_out</source>
            <extracomment>打印机缺纸，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来补纸</extracomment>
            <translation>The printer is out of paper. Please photograph or scan the QR code on the screen to keep your number; staff will refill it</translation>
        </message>
        <message>
            <source>err_cover_open</source>
            <extracomment>打印机暂不可用，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来处理</extracomment>
            <translation>The printer cannot print. Please photograph or scan the QR code on the screen to keep your number; staff will fix it</translation>
        </message>
        <message>
            <source>err_no_answer</source>
            <extracomment>打印机暂不可用，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来处理</extracomment>
            <translation>The printer cannot print. Please photograph or scan the QR code on the screen to keep your number; staff will fix it</translation>
        </message>
        <message>
            <source>err_offline</source>
            <extracomment>打印机暂不可用，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来处理</extracomment>
            <translation>The printer cannot print. Please photograph or scan the QR code on the screen to keep your number; staff will fix it</translation>
        </message>
        <message>
            <source>err_licence_printer_unavailable</source>
            <extracomment>证照打印机暂不可用，请稍后再来打印，或到窗口领取；取号、预约签到仍可使用</extracomment>
            <translation>The licence printer cannot print now. Please print later or collect it at a window; tickets and check-in still work</translation>
        </message>
        <message>
            <source>err_card_unreadable</source>
            <extracomment>证件无法读取，请取回证件后平放在读卡区重新放置</extracomment>
            <translation>The card could not be read. Please lift it and place it flat on the reader again</translation>
        </message>
        <message>
            <source>err_card_invalid</source>
            <extracomment>这张证件无法识别，请换一张有效证件，或到服务台办理</extracomment>
            <translation>This card cannot be recognised. Please use another valid card, or go to the help desk</translation>
        </message>
        <message>
            <source>err_face_mismatch</source>
            <extracomment>人脸比对未通过，请摘下帽子和口罩、正对摄像头重试；仍不通过请联系工作人员；取号不受影响</extracomment>
            <translation>The face check did not pass. Please take off hat and mask, face the camera and try again; if it still fails, please ask staff. You can still take a ticket</translation>
        </message>
        <message>
            <source>err_camera_unavailable</source>
            <extracomment>摄像头暂不可用，请联系工作人员；取号不受影响</extracomment>
            <translation>The camera is unavailable. Please ask staff; you can still take a ticket</translation>
        </message>
        <message>
            <source>err_not_open_plain</source>
            <extracomment>该业务现在不在取号时间，请查看大厅公告的办理时间后再来</extracomment>
            <translation>This service is not taking tickets now. Please check its hours on the hall's notice board</translation>
        </message>
        <message>
            <source>err_appointment_early_plain</source>
            <extracomment>还没到签到时间，请在预约时段开始前半小时内再来签到</extracomment>
            <translation>It is too early to check in. Please come back shortly before your booked time</translation>
        </message>
        <message>
            <source>err_other_hall_plain</source>
            <extracomment>该预约属于其他大厅，请到预约的大厅签到</extracomment>
            <translation>This booking is for another hall. Please check in there</translation>
        </message>
        <message>
            <source>guide_title</source>
            <extracomment>办事指南</extracomment>
            <translation>Service Guide</translation>
        </message>
        <message>
            <source>guide_choose</source>
            <extracomment>请选择要查询的事项</extracomment>
            <translation>Please choose a matter</translation>
        </message>
        <message>
            <source>guide_documents</source>
            <extracomment>所需材料</extracomment>
            <translation>Documents needed</translation>
        </message>
        <message>
            <source>guide_conditions</source>
            <extracomment>办理条件</extracomment>
            <translation>Conditions</translation>
        </message>
        <message>
            <source>guide_fee</source>
            <extracomment>收费：{fee}</extracomment>
            <translation>Fee: {fee}</translation>
        </message>
        <message>
            <source>guide_time</source>
            <extracomment>承诺时限：{n} 个工作日</extracomment>
            <translation>Time limit: {n} working days</translation>
        </message>
        <message>
            <source>guide_on_the_spot</source>
            <extracomment>承诺时限：即办</extracomment>
            <translation>Time limit: on the spot</translation>
        </message>
        <message>
            <source>guide_window</source>
            <extracomment>办理窗口：{area}</extracomment>
            <translation>Where: {area}</translation>
        </message>
        <message>
            <source>backend_down</source>
            <extracomment>政务服务平台暂时无法连接，取号不受影响</extracomment>
            <translation>The service platform cannot be reached now; you can still take a ticket</translation>
        </message>
        <message>
            <source>backend_broken</source>
            <extracomment>平台返回的信息有误，请到服务台咨询</extracomment>
            <translation>The platform sent wrong data; please ask at the help desk</translation>
        </message>
        <message>
            <source>not_found</source>
            <extracomment>未找到相关信息</extracomment>
            <translation>Nothing found</translation>
        </message>
        <message>
            <source>rate_title</source>
            <extracomment>服务评价</extracomment>
            <translation>Rate our service</translation>
        </message>
        <message>
            <source>rate_ticket</source>
            <extracomment>请为 {ticket} 号的服务评价</extracomment>
            <translation>Please rate the service for ticket {ticket}</translation>
        </message>
        <message>
            <source>rate_1</source>
            <extracomment>非常不满意</extracomment>
            <translation>Very dissatisfied</translation>
        </message>
        <message>
            <source>rate_2</source>
            <extracomment>不满意</extracomment>
            <translation>Dissatisfied</translation>
        </message>
        <message>
            <source>rate_3</source>
            <extracomment>基本满意</extracomment>
            <translation>Neutral</translation>
        </message>
        <message>
            <source>rate_4</source>
            <extracomment>满意</extracomment>
            <translation>Satisfied</translation>
        </message>
        <message>
            <source>rate_5</source>
            <extracomment>非常满意</extracomment>
            <translation>Very satisfied</translation>
        </message>
        <message>
            <source>rate_reasons</source>
            <extracomment>原因（可选）</extracomment>
            <translation>Reasons (optional)</translation>
        </message>
        <message>
            <source>rate_submit</source>
            <extracomment>提交评价</extracomment>
            <translation>Submit</translation>
        </message>
        <message>
            <source>rate_thanks</source>
            <extracomment>感谢您的评价！</extracomment>
            <translation>Thank you for your rating!</translation>
        </message>
        <message>
            <source>rate_not_served</source>
            <extracomment>该号码尚未办结，办结后再评价</extracomment>
            <translation>This ticket has not been served yet</translation>
        </message>
        <message>
            <source>rate_already</source>
            <extracomment>该号码已评价过</extracomment>
            <translation>This ticket has already been rated</translation>
        </message>
        <message>
            <source>rate_offline</source>
            <extracomment>暂时无法提交评价，请稍后再试</extracomment>
            <translation>The rating cannot be sent now, please try later</translation>
        </message>
        <message>
            <source>rate_enter</source>
            <extracomment>请输入或扫描号票上的号码</extracomment>
            <translation>Type or scan the number on your ticket</translation>
        </message>
        <message>
            <source>rate_ok</source>
            <extracomment>确定</extracomment>
            <translation>OK</translation>
        </message>
        <message>
            <source>rate_bad_ticket</source>
            <extracomment>号码有误，例如 A001</extracomment>
            <translation>Not a ticket number (e.g. A001)</translation>
        </message>
        <message>
            <source>rate_comment</source>
            <extracomment>意见建议（可选）</extracomment>
            <translation>Comment (optional)</translation>
        </message>
        <message>
            <source>rate_mine</source>
            <extracomment>您今天的号码</extracomment>
            <translation>Your tickets today</translation>
        </message>
        <message>
            <source>reason_fast</source>
            <extracomment>办理快捷</extracomment>
            <translation>Fast</translation>
        </message>
        <message>
            <source>reason_friendly</source>
            <extracomment>态度热情</extracomment>
            <translation>Friendly</translation>
        </message>
        <message>
            <source>reason_clear</source>
            <extracomment>讲解清楚</extracomment>
            <translation>Clear explanations</translation>
        </message>
        <message>
            <source>reason_slow</source>
            <extracomment>等候时间长</extracomment>
            <translation>Long wait</translation>
        </message>
        <message>
            <source>reason_attitude</source>
            <extracomment>服务态度差</extracomment>
            <translation>Unfriendly</translation>
        </message>
        <message>
            <source>reason_unclear</source>
            <extracomment>告知不清楚</extracomment>
            <translation>Unclear information</translation>
        </message>
        <message>
            <source>reason_many_trips</source>
            <extracomment>多次跑动</extracomment>
            <translation>Had to come back several times</translation>
        </message>
        <message>
            <source>rate_ticket_matter</source>
            <extracomment>请为 {ticket} 号（{matter}）的服务评价</extracomment>
            <translation>Please rate the service for ticket {ticket} ({matter})</translation>
        </message>
        <message>
            <source>rate_yesterday_ticket</source>
            <extracomment>请为昨天的 {ticket} 号的服务评价</extracomment>
            <translation>Please rate yesterday's ticket {ticket}</translation>
        </message>
        <message>
            <source>rate_today</source>
            <extracomment>今天的号</extracomment>
            <translation>Today's ticket</translation>
        </message>
        <message>
            <source>rate_yesterday</source>
            <extracomment>昨天的号</extracomment>
            <translation>Yesterday's ticket</translation>
        </message>
        <message>
            <source>rate_closed</source>
            <extracomment>该号码已超过评价期限</extracomment>
            <translation>This ticket can no longer be rated</translation>
        </message>
        <message>
            <source>rate_mine_days</source>
            <extracomment>您近期的号码</extracomment>
            <translation>Your recent tickets</translation>
        </message>
        <message>
            <source>rate_yesterday_mark</source>
            <extracomment>昨天</extracomment>
            <translation>yesterday</translation>
        </message>
        <message>
            <source>cz_title</source>
            <extracomment>个人办事</extracomment>
            <translation>My services</translation>
        </message>
        <message>
            <source>cz_hello</source>
            <extracomment>您好，证件号 {id}</extracomment>
            <translation>Hello, ID {id}</translation>
        </message>
        <message>
            <source>cz_appointments</source>
            <extracomment>我的预约 · 签到</extracomment>
            <translation>My appointments: check in</translation>
        </message>
        <message>
            <source>cz_progress</source>
            <extracomment>办件进度</extracomment>
            <translation>Progress of my applications</translation>
        </message>
        <message>
            <source>cz_licences</source>
            <extracomment>我的证照 · 打印</extracomment>
            <translation>My licences: print</translation>
        </message>
        <message>
            <source>cz_ticket</source>
            <extracomment>取号</extracomment>
            <translation>Take a ticket</translation>
        </message>
        <message>
            <source>cz_ticket_green</source>
            <extracomment>取号（绿色通道 优先办理）</extracomment>
            <translation>Take a ticket (green channel, priority)</translation>
        </message>
        <message>
            <source>cz_rate</source>
            <extracomment>服务评价</extracomment>
            <translation>Rate a service</translation>
        </message>
        <message>
            <source>cz_pay</source>
            <extracomment>缴费</extracomment>
            <translation>Pay fees</translation>
        </message>
        <message>
            <source>cz_back</source>
            <extracomment>返回</extracomment>
            <translation>Back</translation>
        </message>
        <message>
            <source>cz_finish</source>
            <extracomment>结束并退出</extracomment>
            <translation>Finish and leave</translation>
        </message>
        <message>
            <source>cz_loading</source>
            <extracomment>正在查询，请稍候…</extracomment>
            <translation>Looking it up, please wait…</translation>
        </message>
        <message>
            <source>cz_none_appointments</source>
            <extracomment>您今天没有预约</extracomment>
            <translation>You have no appointment today</translation>
        </message>
        <message>
            <source>cz_none_progress</source>
            <extracomment>没有查到您的办件</extracomment>
            <translation>No application found</translation>
        </message>
        <message>
            <source>cz_none_licences</source>
            <extracomment>没有可打印的证照</extracomment>
            <translation>No licence found</translation>
        </message>
        <message>
            <source>cz_slot</source>
            <extracomment>{start}–{end}</extracomment>
            <translation>{start}–{end}</translation>
        </message>
        <message>
            <source>cz_check_in</source>
            <extracomment>签到</extracomment>
            <translation>Check in</translation>
        </message>
        <message>
            <source>cz_checked_in</source>
            <extracomment>已签到</extracomment>
            <translation>Checked in</translation>
        </message>
        <message>
            <source>cz_cancelled</source>
            <extracomment>已取消</extracomment>
            <translation>Cancelled</translation>
        </message>
        <message>
            <source>cz_checking_in</source>
            <extracomment>正在签到，请稍候…</extracomment>
            <translation>Checking in, please wait…</translation>
        </message>
        <message>
            <source>cz_already_checked_in</source>
            <extracomment>该预约已签到，请留意叫号</extracomment>
            <translation>This appointment is already checked in</translation>
        </message>
        <message>
            <source>cz_not_today</source>
            <extracomment>该预约不是今天的</extracomment>
            <translation>This appointment is not for today</translation>
        </message>
        <message>
            <source>cz_print</source>
            <extracomment>打印</extracomment>
            <translation>Print</translation>
        </message>
        <message>
            <source>cz_printed_times</source>
            <extracomment>已打印 {n} 次</extracomment>
            <translation>printed {n}×</translation>
        </message>
        <message>
            <source>cz_window_only</source>
            <extracomment>窗口领取</extracomment>
            <translation>at the window</translation>
        </message>
        <message>
            <source>lic_confirm</source>
            <extracomment>《{title}》已打印过 {n} 次。确定要再打印一份吗？</extracomment>
            <translation>“{title}” has been printed {n} time(s). Print another copy?</translation>
        </message>
        <message>
            <source>lic_yes</source>
            <extracomment>确定打印</extracomment>
            <translation>Yes, print</translation>
        </message>
        <message>
            <source>lic_printing</source>
            <extracomment>正在打印《{title}》，请稍候…</extracomment>
            <translation>Printing “{title}”, please wait…</translation>
        </message>
        <message>
            <source>lic_done</source>
            <extracomment>打印完成，请在出证口取走您的证照</extracomment>
            <translation>Printed. Please take your licence from the tray</translation>
        </message>
        <message>
            <source>lic_not_printable</source>
            <extracomment>该证照不能自助打印，请到窗口领取</extracomment>
            <translation>This licence is issued at the window only</translation>
        </message>
        <message>
            <source>lic_already</source>
            <extracomment>该证照刚刚已打印过，不能重复打印</extracomment>
            <translation>This licence has just been printed; it is not printed twice</translation>
        </message>
        <message>
            <source>lic_printer_down</source>
            <extracomment>证照打印机暂不可用。取号、预约签到、办件进度仍可使用；证照可到窗口打印</extracomment>
            <translation>The licence printer is unavailable. Tickets, check-in and progress still work; the window can print your licence</translation>
        </message>
        <message>
            <source>lic_print_failed</source>
            <extracomment>打印未完成，已通知工作人员。取号、预约签到、办件进度仍可使用</extracomment>
            <translation>The print did not finish; staff have been told. Tickets, check-in and progress still work</translation>
        </message>
        <message>
            <source>pay_button</source>
            <extracomment>缴费</extracomment>
            <translation>Pay fees</translation>
        </message>
        <message>
            <source>pay_title</source>
            <extracomment>缴费</extracomment>
            <translation>Payment</translation>
        </message>
        <message>
            <source>pay_loading</source>
            <extracomment>正在查询，请稍候…</extracomment>
            <translation>Looking it up, please wait…</translation>
        </message>
        <message>
            <source>pay_choose</source>
            <extracomment>请选择要缴纳的项目</extracomment>
            <translation>Please choose what to pay</translation>
        </message>
        <message>
            <source>pay_none</source>
            <extracomment>您没有待缴费用</extracomment>
            <translation>You have nothing to pay</translation>
        </message>
        <message>
            <source>pay_total</source>
            <extracomment>合计 {amount}</extracomment>
            <translation>Total {amount}</translation>
        </message>
        <message>
            <source>pay_go</source>
            <extracomment>去支付 {amount}</extracomment>
            <translation>Pay {amount}</translation>
        </message>
        <message>
            <source>pay_kind_fee</source>
            <extracomment>规费</extracomment>
            <translation>Fee</translation>
        </message>
        <message>
            <source>pay_kind_fine</source>
            <extracomment>罚没款</extracomment>
            <translation>Fine</translation>
        </message>
        <message>
            <source>pay_kind_charge</source>
            <extracomment>代收费用</extracomment>
            <translation>Charge</translation>
        </message>
        <message>
            <source>pay_paid_item</source>
            <extracomment>已缴清</extracomment>
            <translation>Paid</translation>
        </message>
        <message>
            <source>pay_paying_item</source>
            <extracomment>支付中，可继续支付</extracomment>
            <translation>Payment open: continue</translation>
        </message>
        <message>
            <source>pay_creating</source>
            <extracomment>正在生成支付订单，请稍候…</extracomment>
            <translation>Creating the payment order, please wait…</translation>
        </message>
        <message>
            <source>pay_scan</source>
            <extracomment>请用手机微信、支付宝或云闪付扫描二维码完成支付</extracomment>
            <translation>Scan the QR code with WeChat, Alipay or UnionPay on your phone to pay</translation>
        </message>
        <message>
            <source>pay_left</source>
            <extracomment>请在 {n} 秒内完成支付</extracomment>
            <translation>Please pay within {n} s</translation>
        </message>
        <message>
            <source>pay_checking</source>
            <extracomment>网络较慢，正在确认支付结果，请勿重复支付</extracomment>
            <translation>The network is slow; confirming your payment. Please do not pay again</translation>
        </message>
        <message>
            <source>pay_cancel</source>
            <extracomment>取消支付</extracomment>
            <translation>Cancel payment</translation>
        </message>
        <message>
            <source>pay_cancelled</source>
            <extracomment>已取消支付，未扣款</extracomment>
            <translation>Payment cancelled. Nothing was charged</translation>
        </message>
        <message>
            <source>pay_expired</source>
            <extracomment>支付超时，订单已取消，未扣款</extracomment>
            <translation>Time is up: the order was cancelled. Nothing was charged</translation>
        </message>
        <message>
            <source>pay_finishing</source>
            <extracomment>支付成功，正在开具电子票据…</extracomment>
            <translation>Paid. Issuing the e-invoice…</translation>
        </message>
        <message>
            <source>pay_done</source>
            <extracomment>支付成功，请取走缴费凭证</extracomment>
            <translation>Paid. Please take your receipt</translation>
        </message>
        <message>
            <source>pay_done_no_paper</source>
            <extracomment>支付成功。打印机暂不可用，请用手机扫描下方电子票据二维码保存</extracomment>
            <translation>Paid. The printer is unavailable: scan the e-invoice QR code below to keep it</translation>
        </message>
        <message>
            <source>pay_done_reprint</source>
            <extracomment>支付成功。该订单的凭证已打印过</extracomment>
            <translation>Paid. The receipt of this order was printed already</translation>
        </message>
        <message>
            <source>pay_already_paid</source>
            <extracomment>所选项目已缴清，无需重复缴费</extracomment>
            <translation>This has been paid already; nothing more to pay</translation>
        </message>
        <message>
            <source>pay_order_pending</source>
            <extracomment>所选项目中有一项正在另一笔支付中，请选择“继续支付”</extracomment>
            <translation>One item is in another open payment: choose “continue”</translation>
        </message>
        <message>
            <source>pay_amount_changed</source>
            <extracomment>应缴金额已变化，请重新确认</extracomment>
            <translation>The amount has changed; please check again</translation>
        </message>
        <message>
            <source>pay_backend_down</source>
            <extracomment>缴费系统暂时无法连接，未扣款。取号、办件进度仍可使用</extracomment>
            <translation>Payment cannot be reached now; nothing was charged. Tickets and progress still work</translation>
        </message>
        <message>
            <source>pay_broken</source>
            <extracomment>缴费系统返回的信息有误，未扣款。请到服务台咨询</extracomment>
            <translation>The payment system sent wrong data; nothing was charged. Please ask at the help desk</translation>
        </message>
        <message>
            <source>pay_chosen</source>
            <extracomment>✓ 已选</extracomment>
            <translation>✓ Chosen</translation>
        </message>
        <message>
            <source>pay_choose_item</source>
            <extracomment>选择</extracomment>
            <translation>Choose</translation>
        </message>
        <message>
            <source>pay_invoice</source>
            <extracomment>扫码查验电子票据 · 票据号 {no}</extracomment>
            <translation>Scan to verify the e-invoice · No. {no}</translation>
        </message>
        <message>
            <source>pay_again</source>
            <extracomment>返回缴费列表</extracomment>
            <translation>Back to the list</translation>
        </message>
        <message>
            <source>id_button_any</source>
            <extracomment>刷身份证或社保卡办理</extracomment>
            <translation>Identify with ID card or social security card</translation>
        </message>
        <message>
            <source>id_place_any_card</source>
            <extracomment>请将身份证放在读卡区，或插入社保卡</extracomment>
            <translation>Place your ID card on the reader, or insert your social security card</translation>
        </message>
        <message>
            <source>ss_card_read</source>
            <extracomment>已读取社保卡</extracomment>
            <translation>Social security card read</translation>
        </message>
        <message>
            <source>ss_card_error</source>
            <extracomment>社保卡无法读取，请取出后重新插入</extracomment>
            <translation>The card could not be read. Take it out and insert it again</translation>
        </message>
        <message>
            <source>ss_not_social</source>
            <extracomment>这不是社保卡，请插入社会保障卡或使用身份证</extracomment>
            <translation>This is not a social security card. Insert one, or use your ID card</translation>
        </message>
        <message>
            <source>ss_pin</source>
            <extracomment>请输入社保卡密码</extracomment>
            <translation>Please enter the card's PIN</translation>
        </message>
        <message>
            <source>ss_pin_wrong</source>
            <extracomment>密码错误，还可尝试 {n} 次</extracomment>
            <translation>Wrong PIN: {n} tries left</translation>
        </message>
        <message>
            <source>ss_pin_blocked</source>
            <extracomment>社保卡密码已锁定，请到窗口办理解锁；取号不受影响</extracomment>
            <translation>The card's PIN is blocked; a window can unblock it. You can still take a ticket</translation>
        </message>
        <message>
            <source>ss_reading</source>
            <extracomment>正在读取社保卡，请勿拔卡…</extracomment>
            <translation>Reading the card, do not take it out…</translation>
        </message>
        <message>
            <source>ss_pin_ok</source>
            <extracomment>确定</extracomment>
            <translation>OK</translation>
        </message>
        <message>
            <source>svc_full</source>
            <extracomment>今日号已取完</extracomment>
            <translation>All of today's tickets are taken</translation>
        </message>
        <message>
            <source>svc_not_open</source>
            <extracomment>现在不取号
取号时间 {hours}</extracomment>
            <translation>Not taking tickets now
Hours: {hours}</translation>
        </message>
        <message>
            <source>appt_booked</source>
            <extracomment>待签到</extracomment>
            <translation>Booked</translation>
        </message>
        <message>
            <source>appt_checked_in</source>
            <extracomment>已签到</extracomment>
            <translation>Checked in</translation>
        </message>
        <message>
            <source>appt_cancelled</source>
            <extracomment>已取消</extracomment>
            <translation>Cancelled</translation>
        </message>
        <message>
            <source>appt_expired</source>
            <extracomment>已过期</extracomment>
            <translation>Expired</translation>
        </message>
        <message>
            <source>guide_all</source>
            <extracomment>全部</extracomment>
            <translation>All</translation>
        </message>
        <message>
            <source>guide_original</source>
            <extracomment>（原件）</extracomment>
            <translation> (original)</translation>
        </message>
        <message>
            <source>say_sentence_sep</source>
            <extracomment>。</extracomment>
            <translation>. </translation>
        </message>
        <message>
            <source>say_clause_sep</source>
            <extracomment>，</extracomment>
            <translation>, </translation>
        </message>
        <message>
            <source>lic_title_quoted</source>
            <extracomment>《{title}》</extracomment>
            <translation>{title}</translation>
        </message>
        <message>
            <source>hours_weekdays</source>
            <extracomment>一 二 三 四 五 六 日</extracomment>
            <translation>Mon Tue Wed Thu Fri Sat Sun</translation>
        </message>
        <message>
            <source>hours_day_range</source>
            <extracomment>周{first}至周{last}</extracomment>
            <translation>{first}-{last}</translation>
        </message>
        <message>
            <source>hours_day_list</source>
            <extracomment>周{days}</extracomment>
            <translation>{days}</translation>
        </message>
        <message>
            <source>hours_day_sep</source>
            <extracomment>、</extracomment>
            <translation>/</translation>
        </message>
        <message>
            <source>hours_span_sep</source>
            <extracomment>、</extracomment>
            <translation>, </translation>
        </message>
        <message>
            <source>hours_group_sep</source>
            <extracomment>；</extracomment>
            <translation>; </translation>
        </message>
        <message>
            <source>rcpt_title</source>
            <extracomment>缴费凭证</extracomment>
            <translation>Payment receipt</translation>
        </message>
        <message>
            <source>rcpt_order</source>
            <extracomment>订单号：{v}</extracomment>
            <translation>Order: {v}</translation>
        </message>
        <message>
            <source>rcpt_payer</source>
            <extracomment>缴费人：{v}</extracomment>
            <translation>Payer: {v}</translation>
        </message>
        <message>
            <source>rcpt_total</source>
            <extracomment>合计：{v}</extracomment>
            <translation>Total: {v}</translation>
        </message>
        <message>
            <source>rcpt_channel</source>
            <extracomment>支付方式：{v}</extracomment>
            <translation>Paid with: {v}</translation>
        </message>
        <message>
            <source>rcpt_paid_at</source>
            <extracomment>支付时间：{v}</extracomment>
            <translation>Paid at: {v}</translation>
        </message>
        <message>
            <source>rcpt_invoice</source>
            <extracomment>电子票据：{code} 第{no}号</extracomment>
            <translation>E-invoice: {code} No. {no}</translation>
        </message>
        <message>
            <source>rcpt_check</source>
            <extracomment>校验码：{v}</extracomment>
            <translation>Check code: {v}</translation>
        </message>
        <message>
            <source>rcpt_scan</source>
            <extracomment>扫码查验电子票据</extracomment>
            <translation>Scan to verify the e-invoice</translation>
        </message>
        <message>
            <source>rcpt_pending</source>
            <extracomment>电子票据开具中，可凭订单号到窗口或网上查询</extracomment>
            <translation>The e-invoice is being issued; ask at a window or online with the order number</translation>
        </message>
        <message>
            <source>rcpt_note</source>
            <extracomment>请妥善保管本凭证</extracomment>
            <translation>Please keep this receipt</translation>
        </message>
        <message>
            <source>rcpt_channel_wechat</source>
            <extracomment>微信支付</extracomment>
            <translation>WeChat Pay</translation>
        </message>
        <message>
            <source>rcpt_channel_alipay</source>
            <extracomment>支付宝</extracomment>
            <translation>Alipay</translation>
        </message>
        <message>
            <source>rcpt_channel_unionpay</source>
            <extracomment>云闪付</extracomment>
            <translation>UnionPay</translation>
        </message>
        <message>
            <source>platform_zh_only</source>
            <extracomment>（仅中文）</extracomment>
            <translation>(Chinese only)</translation>
        </message>
        <message>
            <source>connecting</source>
            <extracomment>正在连接…请稍候</extracomment>
            <translation>Connecting… please wait</translation>
        </message>
        <message>
            <source>elderly_mode</source>
            <extracomment>长辈版</extracomment>
            <translation>Elderly mode</translation>
        </message>
        <message>
            <source>standard_mode</source>
            <extracomment>标准版</extracomment>
            <translation>Standard mode</translation>
        </message>
        <message>
            <source>elderly_offer</source>
            <extracomment>年满 {age} 岁可用长辈版：字更大，会朗读</extracomment>
            <translation>{age} or over? Larger text, read aloud</translation>
        </message>
        <message>
            <source>elderly_offer_yes</source>
            <extracomment>使用长辈版</extracomment>
            <translation>Use elderly mode</translation>
        </message>
        <message>
            <source>err_day_ended</source>
            <extracomment>这一天的取号已结束，您的号码已失效，请重新取号</extracomment>
            <translation>That day's queue has closed and the number is no longer valid. Please take a new ticket</translation>
        </message>
    </context>
</TS>
